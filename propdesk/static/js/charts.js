/* Charts: every element with data-chart="<id>" is drawn with Apache ECharts from the option object kept in
 * <script type="application/json" id="<id>"> (rendered by {% include "core/chart.html" %}). No inline script,
 * so the page keeps its Content-Security-Policy. The canvas renderer is used (no style attributes written). */
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || !window.echarts) { return; }
    var option;
    try { option = JSON.parse(source.textContent); } catch (e) { return; }
    var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
    if (option.animation === undefined) { option.animation = false; }
    chart.setOption(option, true);
    el.setAttribute("data-chart-ready", "1");
  }
  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(draw);
  }
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart-ready]").forEach(function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
  window.PropDeskCharts = { drawAll: drawAll };
}());
