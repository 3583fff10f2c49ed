/* The survey builder: shows a choice question's options only for a choice, numbers the questions, and writes
 * the scoring formula in words as the user types (the same lines as engagement/formula.py's formula_text; the
 * sentence patterns come translated in data-* attributes). No inline script (Content-Security-Policy). */
(function () {
  "use strict";
  function weight(raw) {
    var n = parseFloat(String(raw || "").trim());
    if (!isFinite(n) || n < 0) { n = 1; }
    return String(Math.round(n * 100) / 100);
  }
  function fill(pattern, values) {
    return pattern.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }
  function update(form) {
    var list = form.querySelector("[data-formula-live]");
    var lines = [], totals = [], weights = [], number = 0, sectionLines = [];
    form.querySelectorAll("[data-section]").forEach(function (section) {
      var title = section.querySelector("[data-section-title]").value.trim();
      var sw = weight(section.querySelector("[data-section-weight]").value);
      var terms = [], qweights = [], any = false;
      section.querySelectorAll("[data-question]").forEach(function (q) {
        var text = q.querySelector("[data-question-text]").value.trim();
        var kind = q.querySelector("[data-question-kind]").value;
        var options = q.querySelector("[data-options]");
        if (options) { options.hidden = kind !== "choice"; }
        var label = q.querySelector("[data-number]");
        if (!text) { if (label) { label.textContent = ""; } return; }
        number += 1;
        any = true;
        if (label) { label.textContent = "Q" + number; }
        if (kind === "text") { return; }
        var w = weight(q.querySelector("[data-question-weight]").value);
        terms.push(w + "×Q" + number);
        qweights.push(w);
      });
      if (!title && !any) { return; }
      title = title || "—";
      totals.push(sw + "×「" + title + "」");
      weights.push(sw);
      sectionLines.push(fill(list.getAttribute("data-section-line"), {
        title: title, sum: terms.join(" + ") || "—", weights: qweights.join(" + ") || "—"
      }));
    });
    if (totals.length) {
      lines.push(fill(list.getAttribute("data-total"), { sum: totals.join(" + "), weights: weights.join(" + ") }));
      lines = lines.concat(sectionLines);
      lines.push(list.getAttribute("data-note"));
    }
    list.textContent = "";
    lines.forEach(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      list.appendChild(li);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-builder]").forEach(function (form) {
      form.addEventListener("input", function () { update(form); });
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
  });
}());
