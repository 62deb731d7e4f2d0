// The audit console's only script, and an optional one: the pages are
// rendered by the server and work without it. It leaves the filter's
// empty fields out of the address (shorter links to share) and moves the
// focus to the first problem a page reports.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var filters = document.querySelectorAll("form.filters");
  filters.forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (field) {
        if (field.name && field.value === "") field.disabled = true;
      });
    });
  });
  var problem = document.getElementById("problem");
  if (problem) {
    problem.setAttribute("tabindex", "-1");
    problem.focus();
  }
  document.documentElement.dataset.enhanced = "yes";
});
