// Draws each <canvas data-chart="ID"> from the JSON in <script type="application/json" id="ID">
// (written by Django's json_script). The page always has the same data as a table, so a browser
// without JS, or a screen reader, loses nothing.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var palette = ["#0b5394", "#b00020", "#1b6e20", "#8a5a00", "#6a1b9a", "#00695c", "#37474f", "#ad1457"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (err) { return; }
    if (!data.series || data.series.length === 0) { canvas.parentNode.classList.add("hidden"); return; }
    var datasets = data.series.map(function (s, i) {
      var colour = palette[i % palette.length];
      return { label: s.label, data: s.data, borderColor: colour, backgroundColor: colour, spanGaps: true, tension: 0.1 };
    });
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.periods, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: { y: { title: { display: !!data.unit, text: data.unit } } }
      }
    });
  });
})();
