// Draws each <div data-map="ID"> as a choropleth from the JSON in <script id="ID"> (Django's
// json_script): the territories' boundaries on a plain background, no tile server. Fill colours
// come from the server (class breaks); suppressed cells are hatched. The data table on the page
// is the accessible alternative, so a browser without JS loses nothing.
(function () {
  "use strict";
  if (typeof window.L === "undefined") { return; }
  var SVG = "http://www.w3.org/2000/svg";

  function addHatch(map) {
    // The SVG renderer's root exists once a vector layer is on the map.
    var svg = map.getPanes().overlayPane.querySelector("svg");
    if (!svg || svg.querySelector("#ddms-hatch")) { return; }
    var defs = document.createElementNS(SVG, "defs");
    var pattern = document.createElementNS(SVG, "pattern");
    pattern.setAttribute("id", "ddms-hatch");
    pattern.setAttribute("width", "8");
    pattern.setAttribute("height", "8");
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("patternTransform", "rotate(45)");
    var bg = document.createElementNS(SVG, "rect");
    bg.setAttribute("width", "8"); bg.setAttribute("height", "8"); bg.setAttribute("fill", "#ffffff");
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", "0"); line.setAttribute("y1", "0");
    line.setAttribute("x2", "0"); line.setAttribute("y2", "8");
    line.setAttribute("stroke", "#555555"); line.setAttribute("stroke-width", "3");
    pattern.appendChild(bg); pattern.appendChild(line); defs.appendChild(pattern);
    svg.insertBefore(defs, svg.firstChild);
  }

  document.querySelectorAll("div[data-map]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-map"));
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (err) { return; }
    var map = window.L.map(box, { attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false });
    var layer = window.L.geoJSON(data.features, {
      style: function (feature) {
        var p = feature.properties;
        return {
          className: "territory territory-" + p.code + (p.suppressed ? " suppressed-area" : ""),
          color: "#333333", weight: 1, fillOpacity: 1,
          fillColor: p.suppressed ? "url(#ddms-hatch)" : p.fill
        };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        var text = p.name + ": " + (p.suppressed ? "–" : String(p.value));
        shape.bindTooltip(text, { sticky: true });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    addHatch(map);
    box.setAttribute("data-rendered", String(data.features.features.length));
  });
})();
