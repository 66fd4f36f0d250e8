// A form sent back with errors: the keyboard starts at the first field that needs attention,
// or at the error summary when no field is marked.
document.addEventListener("DOMContentLoaded", function () {
  var field = document.querySelector('[aria-invalid="true"]');
  var summary = document.querySelector(".error-summary");
  var target = field || summary;
  if (target) {
    target.focus();
  }
});
