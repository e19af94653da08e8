/* DeltaWatch pages: charts from JSON blocks, the language switch, and HTMX-swapped content.
   No inline script anywhere (the Content-Security-Policy forbids it): a chart is an element
   <div data-chart="ID"> whose ECharts option is in <script type="application/json" id="ID">
   (Django's json_script); a map adds data-map="URL" with the GeoJSON to register first. */
(function () {
  "use strict";
  var maps = {};

  function loadMap(url) {
    if (!maps[url]) {
      maps[url] = fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); })
        .then(function (geo) { echarts.registerMap(url, geo); return url; });
    }
    return maps[url];
  }

  function withTextTooltips(option) {
    // ECharts' HTML tooltips carry inline styles, which the Content-Security-Policy refuses:
    // draw them as rich text on the canvas instead.
    [].concat(option.tooltip || []).forEach(function (t) { t.renderMode = t.renderMode || "richText"; });
    return option;
  }

  function withFormatters(option) {
    // JSON cannot carry functions: a series may name a formatter instead.
    (option.series || []).forEach(function (s) {
      if (s.labelFormatter === "value") { s.label = Object.assign({}, s.label, {formatter: "{c}"}); }
    });
    return option;
  }

  function draw(el) {
    if (el.dataset.drawn) { return; }
    var source = document.getElementById(el.dataset.chart);
    if (!source || typeof echarts === "undefined") { return; }
    var option = withTextTooltips(withFormatters(JSON.parse(source.textContent)));
    var render = function () {
      var chart = echarts.init(el, null, {renderer: el.dataset.renderer || "canvas"});
      chart.setOption(option);
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
      if (el.dataset.clickUrl) {
        chart.on("click", function (params) {
          var key = (params.data && params.data.url) || null;
          if (key) { window.location.href = key; }
        });
      }
    };
    if (el.dataset.map) {
      loadMap(el.dataset.map).then(function (name) {
        (option.series || []).forEach(function (s) { if (s.type === "map") { s.map = name; } });
        if (option.geo) { option.geo.map = name; }
        render();
      });
    } else {
      render();
    }
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(draw);
  }

  function submitOnChange(root) {
    (root || document).querySelectorAll("[data-submit-on-change]").forEach(function (el) {
      if (el.dataset.bound) { return; }
      el.dataset.bound = "1";
      el.addEventListener("change", function () { el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(); submitOnChange(); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); submitOnChange(event.target); });
})();
