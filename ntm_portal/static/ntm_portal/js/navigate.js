// A <select data-navigate> whose options are URLs (the commune page's year switch) opens the one chosen.
// A script file, not an onchange attribute: the Content-Security-Policy refuses inline handlers.
(function () {
  "use strict";
  document.querySelectorAll("select[data-navigate]").forEach(function (select) {
    select.addEventListener("change", function () { window.location.assign(select.value); });
  });
})();
