// Live progress of a delivery batch: polls the batch's JSON while it runs and updates the counts.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section) {
    return;
  }
  var url = section.getAttribute("data-progress-url");
  var bar = section.querySelector("[data-progress]");
  var running = section.getAttribute("data-running") === "true";

  function show(counts) {
    section.querySelectorAll("[data-count]").forEach(function (element) {
      var key = element.getAttribute("data-count");
      if (key in counts) {
        element.textContent = counts[key];
      }
    });
    if (bar) {
      bar.max = counts.total || 1;
      bar.value = counts.settled;
      bar.textContent = counts.percent + "%";
    }
    section.setAttribute("data-running", counts.running ? "true" : "false");
    return counts.running;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (counts) {
        if (counts && show(counts)) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }

  if (running) {
    window.setTimeout(poll, 2000);
  }
})();
