// Live status of a validation run: poll the JSON status until it is final, then reload to show
// the report. Without JS a <noscript> meta refresh does the same.
(function () {
  "use strict";
  var el = document.querySelector("[data-poll-url]");
  if (!el || el.getAttribute("data-final") === "1") { return; }
  var rows = document.getElementById("run-rows");
  var url = el.getAttribute("data-poll-url");
  var delay = 700;
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        el.textContent = s.status_label;
        if (rows && typeof s.rows_done === "number") {
          rows.textContent = rows.textContent.replace(/^\d+/, String(s.rows_done));
        }
        if (s.final) { window.location.reload(); return; }
        delay = Math.min(delay * 1.5, 5000);
        window.setTimeout(tick, delay);
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, delay);
})();
