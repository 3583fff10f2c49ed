// Customer signature drawn on the screen (finger or mouse); sent as a PNG data URL with the form.
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas) { return; }
  var ctx = canvas.getContext("2d");
  var drawing = false, drawn = false;
  ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";

  function pos(e) {
    var r = canvas.getBoundingClientRect();
    var p = e.touches ? e.touches[0] : e;
    return { x: (p.clientX - r.left) * canvas.width / r.width, y: (p.clientY - r.top) * canvas.height / r.height };
  }
  function start(e) { drawing = true; var p = pos(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); e.preventDefault(); }
  function move(e) { if (!drawing) { return; } var p = pos(e); ctx.lineTo(p.x, p.y); ctx.stroke(); drawn = true; e.preventDefault(); }
  function end() { drawing = false; }
  canvas.addEventListener("mousedown", start); canvas.addEventListener("mousemove", move); window.addEventListener("mouseup", end);
  canvas.addEventListener("touchstart", start, { passive: false }); canvas.addEventListener("touchmove", move, { passive: false }); canvas.addEventListener("touchend", end);
  document.getElementById("signature-clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false;
  });
  document.getElementById("finish-form").addEventListener("submit", function () {
    document.getElementById("id_signature").value = drawn ? canvas.toDataURL("image/png") : "";
  });
})();
