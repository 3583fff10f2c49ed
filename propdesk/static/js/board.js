// Control-center board: dispatch countdowns, and a sound + flash when a new request arrives.
// The board itself refreshes by short polling (htmx, every 2 s; 204 when nothing changed).
(function () {
  "use strict";
  var soundOn = false;
  var lastPending = null;
  var audio = null;

  function beep() {
    if (!soundOn) { return; }
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.2;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.35);
    } catch (e) { /* no audio device: the visual alert still shows */ }
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.deadline) - now) / 1000);
      var span = el.querySelector("span");
      var sign = left < 0 ? "-" : "";
      var abs = Math.abs(left);
      span.textContent = sign + Math.floor(abs / 60) + ":" + String(abs % 60).padStart(2, "0");
      el.classList.toggle("late", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 60);
    });
  }

  function checkNew() {
    var poll = document.getElementById("board-poll");
    if (!poll) { return; }
    var pending = parseInt(poll.dataset.pending || "0", 10);
    if (lastPending !== null && pending > lastPending) {
      beep();
      var col = document.querySelector('[data-column="to_dispatch"]');
      if (col) { col.classList.add("flash"); setTimeout(function () { col.classList.remove("flash"); }, 3000); }
      document.title = "(" + pending + ") " + document.title.replace(/^\(\d+\) /, "");
    }
    lastPending = pending;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("sound-toggle");
    if (toggle) {
      toggle.addEventListener("click", function () {
        soundOn = !soundOn;
        toggle.textContent = soundOn ? toggle.dataset.on || "🔔" : toggle.dataset.off || "🔕";
        if (soundOn) { beep(); }
      });
    }
    checkNew(); tick();
    setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target.id === "board-live") { checkNew(); tick(); }
  });
})();
