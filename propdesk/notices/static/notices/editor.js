// The notice editor: outage fields only for outages; the building, unit and special-customer pickers only for
// their audience, showing the chosen community's buildings and units, searchable, with the number picked.
(function () {
  "use strict";
  function textOf(node) { return (node.textContent || "").replace(/\s+/g, "").toLowerCase(); }

  function filterPicker(box) {
    var community = (document.getElementById("id_community") || {}).value || "";
    var find = box.querySelector("[data-find]");
    var words = find ? find.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    box.querySelectorAll(".nt-pick").forEach(function (label) {
      var inCommunity = !community || label.dataset.community === community;
      var text = textOf(label) + textOf(label.closest(".nt-pick-group") ? label.closest(".nt-pick-group").querySelector("summary") : label);
      var matches = words.every(function (w) { return text.indexOf(w) !== -1; });
      label.hidden = !(inCommunity && matches);
    });
    box.querySelectorAll(".nt-pick-group").forEach(function (group) {
      var inCommunity = !community || group.dataset.community === community;
      var shown = group.querySelectorAll(".nt-pick:not([hidden])").length;
      group.hidden = !inCommunity || shown === 0;
      if (words.length && shown) { group.open = true; }
    });
    var picked = box.querySelector("[data-picked]");
    if (picked) {
      var n = box.querySelectorAll("input[type=checkbox]:checked").length;
      picked.textContent = n ? "(" + n + ")" : "";
    }
  }

  function sync() {
    var kind = document.getElementById("id_kind");
    var audience = document.getElementById("id_audience");
    if (!kind || !audience) { return; }
    var outage = kind.value.indexOf("outage_") === 0;
    document.getElementById("outage-fields").hidden = !outage;
    document.querySelectorAll(".nt-choices").forEach(function (box) {
      box.hidden = box.dataset.for !== audience.value;
    });
    document.querySelectorAll(".nt-picker").forEach(filterPicker);
  }

  document.addEventListener("DOMContentLoaded", function () {
    sync();
    document.addEventListener("change", function (event) {
      var id = event.target.id;
      if (id === "id_kind" || id === "id_audience" || id === "id_community") { sync(); return; }
      var box = event.target.closest && event.target.closest(".nt-picker");
      if (box) { filterPicker(box); }
    });
    document.addEventListener("input", function (event) {
      if (event.target.matches && event.target.matches("[data-find]")) {
        filterPicker(event.target.closest(".nt-picker"));
      }
    });
  });
})();
