// The admin export page's "select all" box, wired here instead of by an onchange attribute that the
// Content-Security-Policy refuses. onSelectToggleChange comes from import_export/export_selectable_fields.js.
(function () {
  "use strict";
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", onSelectToggleChange);
  });
})();
