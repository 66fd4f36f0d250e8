// Live progress of a staff job: polls its JSON state while it runs, updates the bar, counts and outcome.
(function () {
  "use strict";
  var section = document.querySelector(".job-progress[data-progress-url]");
  if (!section) {
    return;
  }
  var url = section.getAttribute("data-progress-url");
  var bar = section.querySelector("[data-progress]");

  function show(state) {
    section.querySelectorAll("[data-field]").forEach(function (element) {
      var key = element.getAttribute("data-field");
      if (key in state) {
        element.textContent = state[key];
      }
    });
    if (bar) {
      bar.max = state.total || 1;
      bar.value = state.done;
      bar.textContent = state.percent + "%";
    }
    var message = section.querySelector("[data-field=message]");
    if (message) {
      message.className = "job-message " + state.state + (state.state === "failed" ? " error" : "");
    }
    section.querySelectorAll("[data-while-running]").forEach(function (element) {
      element.hidden = !state.running;
    });
    section.setAttribute("data-running", state.running ? "true" : "false");
    return state.running;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (state && show(state)) {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }

  if (section.getAttribute("data-running") === "true") {
    window.setTimeout(poll, 1000);
  }
})();
