"""Server-side charts: an ECharts option rendered to SVG in QuickJS (ECharts' own SSR), maps of
the 41 cities, and the PNG that Word receives."""

from __future__ import annotations

import io
import re
import threading

import pytest

from deltawatch.reports.charts import (
    FONT_FAMILY,
    prepared_option,
    presentational,
    render_svg,
    svg_to_png,
)

CITIES = ["上海市", "南京市", "杭州市", "合肥市"]
BAR = {"xAxis": {"type": "category", "data": CITIES}, "yAxis": {"type": "value"},
       "series": [{"type": "bar", "data": [93.5, 50, 100, 10], "labelFormatter": "value",
                   "label": {"show": True, "position": "top"}}],
       "tooltip": {"trigger": "axis"}, "toolbox": {"feature": {"saveAsImage": {}}}}


def map_option() -> dict:
    import json

    from deltawatch.regional.services import GEOJSON

    names = [f["properties"]["name"] for f in json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]]
    assert len(names) == 41
    return {"series": [{"type": "map", "roam": False, "label": {"show": False},
                        "data": [{"name": n, "value": k} for k, n in enumerate(names)]}],
            "visualMap": {"min": 0, "max": 40, "show": False}}


@pytest.fixture(scope="module")
def bar_svg():
    return render_svg(BAR, width=600, height=300)


def texts(svg: str) -> list[str]:
    return re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)


def test_bar_chart_svg(bar_svg):
    assert bar_svg.startswith("<svg") and 'width="600"' in bar_svg and 'height="300"' in bar_svg
    assert set(CITIES) <= set(texts(bar_svg))
    assert "93.5" in texts(bar_svg)  # the JSON formatter name "value" became the label formatter
    # four bars (paths) and the axis lines
    assert bar_svg.count("<path") >= 4 + 2 or bar_svg.count("<rect") >= 4


def test_svg_uses_the_vendored_font_and_no_inline_styles(bar_svg):
    assert f'font-family="{FONT_FAMILY}, sans-serif"' in bar_svg
    assert "style=" not in bar_svg and "<style" not in bar_svg  # the site's CSP refuses inline styles


def test_prepared_option_drops_interaction_and_does_not_mutate():
    option = prepared_option(BAR)
    assert option["animation"] is False and "toolbox" not in option and "tooltip" not in option
    assert option["textStyle"]["fontFamily"].startswith(FONT_FAMILY)
    assert "toolbox" in BAR and "animation" not in BAR


def test_option_font_is_kept_when_set():
    svg = render_svg({**BAR, "textStyle": {"fontFamily": "serif"}}, width=300, height=200)
    assert 'font-family="serif"' in svg


def test_map_has_a_path_per_city():
    svg = render_svg(map_option(), width=500, height=500, map="yrd41")
    regions = re.findall(r"<path\b[^>]*fill=\"(?!none)[^\"]+\"", svg)
    assert 41 <= len(regions) <= 45
    assert len(svg) < 600_000  # outlines simplified: the full ones make about 2 MB


def test_unknown_map_is_refused():
    with pytest.raises(ValueError):
        render_svg(map_option(), map="nowhere")


def test_concurrent_renders_are_serialised():
    results, errors = [], []

    def work():
        try:
            results.append(render_svg(BAR, width=400, height=200))
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 4
    assert all(set(CITIES) <= set(texts(svg)) for svg in results)


def test_presentational_moves_styles_to_attributes():
    svg = '<svg><style>.a:hover{}</style><text style="font-size:12px;font-family:X, sans-serif;" fill="#333">a</text></svg>'
    assert presentational(svg) == '<svg><text font-size="12px" font-family="X, sans-serif" fill="#333">a</text></svg>'


def test_png_of_the_chart(bar_svg):
    png = svg_to_png(bar_svg, scale=2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    Image = pytest.importorskip("PIL.Image")
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1200, 600)
        low, high = image.convert("L").getextrema()
        assert low < 128 and high == 255  # drawn on white


def test_label_text_is_escaped():
    svg = render_svg({**BAR, "title": {"text": "<script>alert(1)</script>"},
                      "xAxis": {"type": "category", "data": ["<img src=x onerror=alert(1)>"]}}, width=400, height=200)
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
