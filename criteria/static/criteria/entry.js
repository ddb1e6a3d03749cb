// Immediate feedback while typing: compares a number or yes/no input with the threshold shown beside it.
// The server recomputes everything on save; this only previews single-threshold indicators.
(function () {
  "use strict";
  var compare = {
    ">=": function (a, b) { return a >= b; },
    "<=": function (a, b) { return a <= b; },
    ">": function (a, b) { return a > b; },
    "<": function (a, b) { return a < b; },
    "==": function (a, b) { return a === b; }
  };
  function parseNumber(text) {
    var cleaned = String(text).trim().replace(",", ".");
    return cleaned === "" || isNaN(cleaned) ? null : Number(cleaned);
  }
  function update(block) {
    var input = block.querySelector("input, select");
    var status = block.querySelector(".indicator-status");
    var threshold = block.dataset.threshold;
    if (!input || !status || !threshold) { return; }
    var met = null;
    if (block.dataset.kind === "boolean") {
      if (input.value === "true" || input.value === "false") {
        var expected = threshold.toLowerCase() === "không" ? "false" : "true";
        met = input.value === expected;
      }
    } else {
      var value = parseNumber(input.value);
      var required = parseNumber(threshold.replace(".", ","));
      var test = compare[block.dataset.comparison];
      if (value !== null && required !== null && test) { met = test(value, required); }
    }
    status.className = "indicator-status " + (met === null ? "status-undecided" : met ? "status-met" : "status-not-met");
    status.firstElementChild.textContent = met === null ? "?" : met ? "✓" : "✗";
  }
  document.querySelectorAll(".entry-form .indicator").forEach(function (block) {
    block.addEventListener("input", function () { update(block); });
    block.addEventListener("change", function () { update(block); });
  });
})();

// Changes not saved (typed here, or refused by the last save) are not lost silently: leaving the page asks first.
(function () {
  "use strict";
  var form = document.querySelector(".entry-form");
  if (!form) { return; }
  var dirty = form.dataset.refused === "true";
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
    event.preventDefault();
    event.returnValue = form.dataset.unsavedWarning;
  });
})();

// A link of the error summary puts the cursor in its field, not only the field on the screen.
(function () {
  "use strict";
  document.querySelectorAll("#error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var overrides = field.closest("details");
      if (overrides) { overrides.open = true; }
      field.focus();
    });
  });
})();
