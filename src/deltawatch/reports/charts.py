"""Server-side charts for the reports: an ECharts option → SVG (and PNG for Word), without a browser.

The same option that the pages draw in the browser (site/static/site/site.js) is rendered here by
ECharts' own server-side rendering (``echarts.init(null, null, {renderer: 'svg', ssr: true})`` and
``renderToSVGString()``) in QuickJS, a small embedded JavaScript engine (PyPI ``quickjs``, MIT).
ECharts is the copy vendored for the pages, so the documents and the pages draw the same chart.

One JavaScript context per process, created on first use; QuickJS contexts must not be entered
from two threads at once (and its stack check assumes one thread), so every call runs on one
worker thread that owns the context. ECharts has no canvas here to measure text: it is given
the advance widths of the vendored font (fonts/widths.json) instead, so labels are laid out as
the font draws them.

``svg_to_png`` turns an SVG into a PNG for Word (python-docx cannot embed SVG) with CairoSVG
(LGPL-3.0, on Debian's libcairo); the vendored font is added to fontconfig's configuration at
run time so Chinese glyphs render with it.
"""

from __future__ import annotations

import copy
import ctypes
import ctypes.util
import json
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ECHARTS = HERE.parent / "site" / "static" / "vendor" / "echarts-5.6.0" / "echarts.min.js"
FONT_DIR = HERE / "fonts"
FONT_FAMILY = "Noto Sans CJK SC"  # the family name inside the vendored subset files
FONT_FILES = {"regular": FONT_DIR / "NotoSansCJKsc-Regular-subset.otf",
              "bold": FONT_DIR / "NotoSansCJKsc-Bold-subset.otf"}
FONT_STACK = f"{FONT_FAMILY}, sans-serif"  # no quotes: ECharts writes it into a style attribute
MAP_TOLERANCE = 0.002  # degrees (~200 m) a map outline may move when simplified: < 0.2 px at report size

# Polyfills for what ECharts touches outside the DOM, then the page's own option fix-ups
# (site.js: formatters named in JSON), then one function the Python side calls per chart.
_PRELUDE = """
var console = {log: function () {}, info: function () {}, warn: function () {}, error: function () {},
               debug: function () {}};
globalThis.console = console;
// ECharts schedules animation frames and lazy updates; with animation off and ssr on nothing
// must wait, so timers never fire.
globalThis.setTimeout = function () { return 0; };
globalThis.clearTimeout = function () {};
globalThis.setInterval = function () { return 0; };
globalThis.clearInterval = function () {};
globalThis.requestAnimationFrame = function () { return 0; };
"""

_RENDER = """
(function () {
  function withFormatters(option) {
    (option.series || []).forEach(function (s) {
      if (s.labelFormatter === "value") { s.label = Object.assign({}, s.label, {formatter: "{c}"}); }
    });
    return option;
  }
  function withMap(option, name) {
    if (!name) { return option; }
    [].concat(option.series || []).forEach(function (s) { if (s.type === "map") { s.map = name; } });
    if (option.geo) { [].concat(option.geo).forEach(function (g) { g.map = name; }); }
    return option;
  }
  globalThis.__renderSVG = function (optionJSON, width, height, map) {
    var option = withMap(withFormatters(JSON.parse(optionJSON)), map);
    var chart = echarts.init(null, null, {renderer: "svg", ssr: true, width: width, height: height});
    try {
      chart.setOption(option);
      return chart.renderToSVGString();
    } finally {
      chart.dispose();
    }
  };
  globalThis.__registerMap = function (name, geoJSON) { echarts.registerMap(name, JSON.parse(geoJSON)); };
  globalThis.__setWidths = function (widthsJSON) {
    var widths = JSON.parse(widthsJSON);
    echarts.setPlatformAPI({measureText: function (text, font) {
      var match = /((?:\\d+)?\\.?\\d*)px/.exec(font || "");
      var size = (match && +match[1]) || 12;
      var bold = /bold|[6-9]00/.test(font || "");
      var width = 0;
      text = text || "";
      for (var i = 0; i < text.length; i++) {
        var w = widths[text[i]];
        width += (w == null ? 1 : w) * size;  // not in the table: a full-width (CJK) character
      }
      return {width: bold ? width * 1.03 : width};
    }});
  };
})();
"""


class _Engine:
    """The process's JavaScript context with ECharts loaded, driven from one worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = None
        self._executor = None
        self._context = None
        self._maps: set[str] = set()

    def call(self, function, *args):
        with self._lock:
            if self._pid != os.getpid():  # first use, or a forked worker: its own thread and context
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="echarts-ssr")
                self._context, self._maps, self._pid = None, set(), os.getpid()
            executor = self._executor
        return executor.submit(function, *args).result()

    # everything below runs on the worker thread only

    def context(self):
        if self._context is None:
            import quickjs

            context = quickjs.Context()
            context.set_max_stack_size(4 * 2 ** 20)  # the worker thread's stack is 8 MiB; QuickJS checks its own
            context.eval(_PRELUDE)
            context.eval(ECHARTS.read_text(encoding="utf-8"))
            context.eval(_RENDER)
            context.get("__setWidths")((FONT_DIR / "widths.json").read_text(encoding="utf-8"))
            self._context = context
        return self._context

    def render(self, option_json: str, width: int, height: int, map_name: str | None) -> str:
        context = self.context()
        if map_name and map_name not in self._maps:
            context.get("__registerMap")(map_name, _map_geojson(map_name))
            self._maps.add(map_name)
        return context.get("__renderSVG")(option_json, width, height, map_name or "")


_ENGINE = _Engine()


def _map_geojson(name: str) -> str:
    """The GeoJSON registered under ``name``, outlines simplified to what a report can show."""
    if name != "yrd41":
        raise ValueError(f"unknown map {name!r}")
    from deltawatch.regional.services import GEOJSON

    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    return json.dumps(_simplified(data), ensure_ascii=False, separators=(",", ":"))


def _simplified(data: dict) -> dict:
    """The full-resolution outlines make a 2 MB SVG per map; a 0.002° tolerance is invisible at
    A4 width and makes it about a tenth of that."""
    try:
        from shapely.geometry import mapping, shape
    except ImportError:  # shapely comes with geopandas; without it, draw the full outlines
        return data
    features = []
    for feature in data["features"]:
        geometry = shape(feature["geometry"]).simplify(MAP_TOLERANCE, preserve_topology=True)
        features.append({**feature, "geometry": _rounded(mapping(geometry))})
    return {**data, "features": features}


def _rounded(geometry: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float):
                return [round(v, 4) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def prepared_option(option: dict) -> dict:
    """A copy of ``option`` fit for a document: no animation, the vendored font by default, and
    none of the interactive parts (toolbox, tooltip) that have nothing to show on paper."""
    option = copy.deepcopy(option)
    option["animation"] = False
    for key in ("toolbox", "tooltip", "brush"):
        option.pop(key, None)
    text_style = option.setdefault("textStyle", {})
    text_style.setdefault("fontFamily", FONT_STACK)
    return option


def render_svg(option: dict, *, width: int = 680, height: int = 360, map: str | None = None) -> str:
    """The chart as an SVG document (a string starting with ``<svg``), ``width`` × ``height`` px.

    ``map``: the name of the map the option draws (e.g. "yrd41"); registered once per process."""
    option_json = json.dumps(prepared_option(option), ensure_ascii=False, default=str)
    return presentational(_ENGINE.call(_ENGINE.render, option_json, int(width), int(height), map))


_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL)
# what zrender writes into style="" (its colours and strokes are attributes already: taking only
# these cannot duplicate an attribute)
_PRESENTATION = {"font-size", "font-family", "font-weight", "font-style", "text-decoration"}


def presentational(svg: str) -> str:
    """The SVG with its inline styles as presentation attributes and without its <style> element
    (hover rules only): the site's Content-Security-Policy (style-src 'self') ignores inline
    styles, and the font size and family of every label are written in them."""
    def attributes(match: re.Match) -> str:
        pairs = []
        for declaration in match.group(1).split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if name in _PRESENTATION and value:
                pairs.append(f' {name}="{value}"')
        return "".join(pairs)

    return _STYLE_ELEMENT.sub("", _STYLE_ATTRIBUTE.sub(attributes, svg))


# -- SVG → PNG ---------------------------------------------------------------------------------

_fonts_added = False
_fonts_lock = threading.Lock()


def register_font_dir() -> bool:
    """Add the vendored fonts to fontconfig's current configuration (cairo and pango both ask
    it), whatever initialised fontconfig first. False when libfontconfig cannot be loaded."""
    global _fonts_added
    with _fonts_lock:
        if _fonts_added:
            return True
        name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
        try:
            library = ctypes.CDLL(name)
        except OSError:
            return False
        library.FcConfigAppFontAddDir.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        library.FcConfigAppFontAddDir.restype = ctypes.c_int
        _fonts_added = bool(library.FcConfigAppFontAddDir(None, str(FONT_DIR).encode()))
        return _fonts_added


def svg_to_png(svg: str, *, scale: float = 2) -> bytes:
    """The SVG as a PNG of ``scale`` × its size (2: sharp in Word at the chart's size)."""
    import cairosvg

    register_font_dir()
    return cairosvg.svg2png(bytestring=_without_halos(svg).encode("utf-8"), scale=scale, background_color="white")


_HALO = re.compile(r'(<text\b[^>]*?) stroke="[^"]*"([^>]*?) paint-order="stroke"')


def _without_halos(svg: str) -> str:
    """ECharts outlines labels with a white stroke painted under the fill (paint-order), which
    CairoSVG does not know: it would paint the stroke over the text and hide it. Drop the halo."""
    return _HALO.sub(r"\1\2", svg)
