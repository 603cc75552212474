// The charts of a report screen, drawn by Apache ECharts from the data the page carries (json_script).
(function () {
  function draw() {
    var node = document.getElementById("report-charts");
    if (!node || !window.echarts) return;
    var data = JSON.parse(node.textContent);
    var font = {fontFamily: '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'};
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var name = el.getAttribute("data-chart"), title = {text: data.titles[name], textStyle: font, left: "center"};
      var option;
      if (name === "revenue") {
        if (!data.revenue.length) { el.remove(); return; }
        option = {title: title, tooltip: {trigger: "item"}, textStyle: font,
                  series: [{type: "pie", radius: ["35%", "65%"], data: data.revenue, label: font}]};
      } else {
        var d = data[name];
        if (!d.labels.length) { el.remove(); return; }
        var horizontal = name === "kinds";
        option = {title: title, tooltip: {trigger: "axis"}, textStyle: font, grid: {left: 110, right: 20, top: 40, bottom: 40},
                  xAxis: horizontal ? {type: "value"} : {type: "category", data: d.labels},
                  yAxis: horizontal ? {type: "category", data: d.labels.slice().reverse()} : {type: "value"},
                  series: [{type: name === "period" ? "line" : "bar",
                            data: horizontal ? d.values.slice().reverse() : d.values, label: {show: name !== "period"}}]};
      }
      window.echarts.init(el, null, {renderer: "svg"}).setOption(option);
    });
  }
  if (document.readyState === "complete") draw(); else window.addEventListener("load", draw);
})();
