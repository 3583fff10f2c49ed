// Behaviour shared by every page. Plain JS in a file of its own: the Content-Security-Policy allows no
// inline script, so pages say what they want with data-* attributes and this file does it.
(function () {
  "use strict";

  // <select data-auto-submit>: choosing an option submits its form (language switch, service center).
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.matches && t.matches("select[data-auto-submit]") && t.form) { t.form.submit(); }
  });

  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target : e.target.parentElement;
    if (!t) { return; }
    // <button data-print>: print the page.
    if (t.closest("[data-print]")) { window.print(); return; }
    // <button data-clear="#id">: empty that element (close a panel).
    var clear = t.closest("[data-clear]");
    if (clear) {
      var target = document.querySelector(clear.dataset.clear);
      if (target) { target.innerHTML = ""; }
      return;
    }
    // <input data-select-on-click>: select the whole value (a secret to copy).
    if (t.matches("[data-select-on-click]")) { t.select(); }
  });

  // <form data-confirm="question">: ask before submitting.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) { e.preventDefault(); }
  });

  // <form data-clear-after-request="#id">: empty that element once the form's htmx request is done.
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.target.closest && e.target.closest("[data-clear-after-request]");
    if (!form) { return; }
    var target = document.querySelector(form.dataset.clearAfterRequest);
    if (target) { target.innerHTML = ""; }
  });

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
