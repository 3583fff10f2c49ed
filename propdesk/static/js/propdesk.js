// Behaviour shared by every page. Plain JS in a file of its own: the Content-Security-Policy allows no
// inline script, so pages say what they want with data-* attributes and this file does it.
(function () {
  "use strict";

  // A server error (5xx) answering an htmx request: say so above the page instead of doing nothing.
  // With DEBUG on, Django's error page (the traceback) is shown in its place, for the developer.
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr;
    if (!xhr || xhr.status < 500) { return; }
    var body = xhr.responseText || "";
    if (body.indexOf('id="traceback"') !== -1) {
      document.open();
      document.write(body);
      document.close();
      return;
    }
    var page = document.querySelector("main.page") || document.body;
    var note = document.getElementById("server-error");
    if (!note) {
      note = document.createElement("p");
      note.id = "server-error";
      note.className = "msg error";
      note.setAttribute("role", "alert");
      page.insertBefore(note, page.firstChild);
    }
    note.textContent = document.body.dataset.serverError || "Server error";
  });
})();
