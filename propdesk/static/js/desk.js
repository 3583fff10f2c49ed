// Front desk keyboard shortcuts and lookup → form wiring. Plain JS, no external files.
(function () {
  "use strict";
  function form() { return document.getElementById("record-form"); }
  document.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    if (e.key === "/" && tag !== "input" && tag !== "textarea" && tag !== "select") {
      e.preventDefault();
      document.getElementById("desk-q").focus();
    } else if (e.altKey && /^[1-7]$/.test(e.key)) {
      var radio = document.querySelector('#record-form input[name=kind][accesskey="' + e.key + '"]');
      if (radio) { e.preventDefault(); radio.checked = true; document.getElementById("id_content").focus(); }
    } else if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && form()) {
      e.preventDefault();
      form().requestSubmit();
    }
  });
  // Choosing a household selects its community; a typed phone number becomes the caller's phone.
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.name === "household" && t.form === form()) {
      var card = t.closest(".household-card");
      var select = document.getElementById("id_community");
      if (card && select) { select.value = card.dataset.community; }
      document.querySelectorAll(".household-card").forEach(function (c) { c.classList.toggle("selected", c === card); });
    }
    if (t.name === "resident" && t.form === form()) {
      var card2 = t.closest(".household-card");
      var h = card2 && card2.querySelector("input[name=household]");
      if (h && !h.checked) { h.checked = true; h.dispatchEvent(new Event("change", {bubbles: true})); }
      var name = document.getElementById("id_caller_name");
      if (name && !name.value) { name.value = t.dataset.name || ""; }
    }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target.id === "lookup") {
      var q = document.getElementById("desk-q").value.replace(/[\s-]/g, "");
      var phone = document.getElementById("id_caller_phone");
      if (phone && /^1[3-9]\d{9}$/.test(q)) { phone.value = q; }
      var checked = document.querySelector("#lookup input[name=household]:checked");
      if (checked) { checked.dispatchEvent(new Event("change", {bubbles: true})); }
    }
    if (e.detail.target.id === "record" && document.querySelector("#record .msg.success")) {
      // Saved: clear the lookup for the next caller.
      document.getElementById("desk-q").value = "";
      document.getElementById("lookup").innerHTML = "";
      document.getElementById("desk-q").focus();
    }
  });
})();
