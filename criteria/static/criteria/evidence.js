// Shows upload progress for large files (phones on slow links). Without JavaScript the form posts normally.
(function () {
  "use strict";
  var form = document.querySelector(".upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var bar = form.querySelector(".upload-progress");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) {
        bar.hidden = false;
        bar.value = Math.round((progress.loaded / progress.total) * 100);
      }
    });
    request.addEventListener("load", function () {
      // The server answers with the page to show (after a redirect when everything was stored).
      document.open();
      document.write(request.responseText);
      document.close();
      if (request.responseURL) { window.history.replaceState(null, "", request.responseURL); }
    });
    form.querySelector("button[type=submit]").disabled = true;
    request.send(new FormData(form));
  });
})();
