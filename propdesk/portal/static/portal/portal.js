// The resident portal: photos are shrunk in the browser before upload (a phone's 4 MB photo becomes a JPEG
// of at most 1600 px on its long side), so a request goes through on a weak mobile connection.
(function () {
  "use strict";
  var LONGEST = 1600;
  var QUALITY = 0.82;

  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type) || typeof createImageBitmap !== "function") {
        resolve(file);
        return;
      }
      createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) {
            resolve(file);
            return;
          }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      }, function () { resolve(file); });
    });
  }

  function attach(form) {
    var input = form.querySelector("input[type=file][name=photos]");
    var status = form.querySelector("[data-photo-status]");
    if (!input || typeof DataTransfer !== "function") return;
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files);
      if (!files.length) return;
      form.dataset.busy = "1";
      if (status) status.textContent = status.dataset.busyText || "…";
      Promise.all(files.map(shrink)).then(function (smaller) {
        var list = new DataTransfer();
        smaller.forEach(function (f) { list.items.add(f); });
        input.files = list.files;
        var kb = smaller.reduce(function (sum, f) { return sum + f.size; }, 0) / 1024;
        if (status) status.textContent = smaller.length + " × " + Math.round(kb) + " KB";
        delete form.dataset.busy;
      });
    });
    form.addEventListener("submit", function (event) {
      if (form.dataset.busy) event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-compress-photos]").forEach(attach);
  });
})();
