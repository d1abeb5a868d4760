// Draws each <canvas data-chart="ID"> from the JSON in <script type="application/json" id="ID">
// (written by Django's json_script): one small panel per territory, a few lines each. The page
// always has the same data as a table, so a browser without JS, or a screen reader, loses nothing.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  // Okabe-Ito: distinguishable with the common colour-vision deficiencies.
  var palette = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (err) { return; }
    if (!data.series || data.series.length === 0) { canvas.parentNode.classList.add("hidden"); return; }
    var datasets = data.series.map(function (s, i) {
      var colour = palette[i % palette.length];
      return { label: s.label, data: s.data, borderColor: colour, backgroundColor: colour, spanGaps: true, tension: 0.1, pointRadius: data.periods.length > 24 ? 0 : 2 };
    });
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.periods, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: datasets.length > 1, position: "bottom", labels: { boxWidth: 12 } } },
        scales: { x: { ticks: { maxTicksLimit: 6, maxRotation: 0 } }, y: { title: { display: !!data.unit, text: data.unit } } }
      }
    });
  });
})();
