"""What the browser tests share: collecting a page's problems and checking that charts are drawn."""

# A canvas counts as drawn when some pixel is not transparent.
CANVAS_DRAWN = """(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas) { return false; }
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let k = 3; k < data.length; k += 4) { if (data[k] !== 0) { return true; } }
  return false;
}"""


def watch(page) -> list[str]:
    """The list that collects every console error, page error, failed request and error
    response of ``page`` from now on."""
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on("response", lambda response: response.status >= 400
            and problems.append(f"{response.status}: {response.url}"))
    return problems


def assert_drawn(page, *charts):
    """Wait until site.js has drawn each chart (a selector: the CSP forbids the eval behind
    ``wait_for_function``), then check its canvas has ink."""
    for chart in charts:
        selector = f'[data-chart="{chart}"]'
        page.wait_for_selector(f"{selector}[data-drawn='1']")
        assert page.evaluate(CANVAS_DRAWN, selector), f"{chart} is empty"
