// Charts drawn by Apache ECharts (boss/static/boss/vendor) from the data a page carries: an element
// <section data-charts="ID"> and a json_script ID holding a list of {title, kind: "bar" or "pie", labels,
// values} (e.g. complaints.figures.statistics_chart_specs). Each chart is drawn as SVG in a box of its own.
(function () {
  var font = {fontFamily: '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'};

  function option(spec) {
    var title = {text: spec.title, textStyle: font, left: "center"};
    if (spec.kind === "pie") {
      return {title: title, tooltip: {trigger: "item"}, textStyle: font,
              series: [{type: "pie", radius: ["30%", "60%"], top: 24, label: font,
                        data: spec.labels.map(function (label, i) { return {name: label, value: spec.values[i]}; })}]};
    }
    return {title: title, tooltip: {trigger: "axis"}, textStyle: font,
            grid: {left: 8, right: 40, top: 36, bottom: 8, containLabel: true},
            xAxis: {type: "value", minInterval: 1}, yAxis: {type: "category", data: spec.labels.slice().reverse()},
            series: [{type: "bar", data: spec.values.slice().reverse(), label: {show: true, position: "right"}}]};
  }

  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-charts]").forEach(function (box) {
      var node = document.getElementById(box.getAttribute("data-charts"));
      if (!node || box.childElementCount) return;
      // every box first, then the charts: a chart measures its box when it is drawn
      var drawn = JSON.parse(node.textContent).map(function (spec) {
        var el = document.createElement("div");
        el.className = "chart";
        el.setAttribute("data-testid", "chart");
        el.style.height = (spec.kind === "pie" ? 280 : Math.max(160, 60 + 26 * spec.labels.length)) + "px";
        box.appendChild(el);
        return [el, spec];
      }).map(function (pair) {
        var chart = window.echarts.init(pair[0], null, {renderer: "svg"});
        chart.setOption(option(pair[1]));
        return chart;
      });
      window.addEventListener("resize", function () { drawn.forEach(function (chart) { chart.resize(); }); });
    });
  }
  if (document.readyState === "complete") draw(); else window.addEventListener("load", draw);
})();
