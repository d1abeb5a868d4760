// Upload with a progress bar: XHR upload progress drives <progress>. Without JS the form posts
// normally; with JS the server answers JSON {redirect} and the page follows it.
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var box = form.querySelector(".upload-status");
    var bar = form.querySelector("progress");
    var percent = form.querySelector(".upload-percent");
    var errorBox = form.querySelector(".upload-error");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      var button = form.querySelector("button[type=submit]");
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var p = Math.round((e.loaded / e.total) * 100);
        bar.value = p;
        bar.textContent = p + " %";
        percent.textContent = p + " %";
      });
      xhr.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = {}; }
        if (xhr.status < 400 && answer.redirect) { window.location.assign(answer.redirect); return; }
        if (answer.errors && answer.errors.length === 0 && answer.redirect) {
          window.location.assign(answer.redirect); return;
        }
        errorBox.textContent = (answer.errors || [xhr.statusText]).join(" ");
        errorBox.classList.remove("hidden");
        button.disabled = false;
      });
      xhr.addEventListener("error", function () {
        errorBox.textContent = errorBox.getAttribute("data-network-error") || "Network error";
        errorBox.classList.remove("hidden");
        button.disabled = false;
      });
      box.classList.remove("hidden");
      errorBox.classList.add("hidden");
      button.disabled = true;
      xhr.send(new FormData(form));
    });
  });
})();
