// The notice editor: outage fields only for outages, the building and special-customer choices only for
// their audience.
(function () {
  "use strict";
  function sync() {
    var kind = document.getElementById("id_kind");
    var audience = document.getElementById("id_audience");
    if (!kind || !audience) { return; }
    var outage = kind.value.indexOf("outage_") === 0;
    document.getElementById("outage-fields").hidden = !outage;
    document.querySelectorAll(".nt-choices").forEach(function (box) {
      box.hidden = box.dataset.for !== audience.value;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    sync();
    document.addEventListener("change", function (event) {
      if (event.target.id === "id_kind" || event.target.id === "id_audience") { sync(); }
    });
  });
})();
