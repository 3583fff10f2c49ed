// Control-center board: dispatch countdowns, and a sound + flash when a new request arrives.
// The board itself refreshes by short polling (htmx, every 1.5 s; 204 when nothing changed; the staff panel every 10 s).
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

  function clock(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  // "派单剩余 4:12" while there is time, "已超时 5:19" once the deadline has passed (never a minus sign).
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.deadline) - now) / 1000);
      var late = left <= 0;
      var label = el.querySelector(".countdown-label");
      var time = el.querySelector(".countdown-time");
      if (label) { label.textContent = late ? el.dataset.lateLabel : el.dataset.leftLabel; }
      if (time) { time.textContent = clock(Math.abs(left)); }
      el.classList.toggle("late", late);
      el.classList.toggle("soon", !late && left < 60);
    });
  }

  // On a phone the columns scroll sideways: mark the column in view in the nav, fade the edges while more
  // lies beyond them, and keep the scroll position when the board is refreshed.
  var scrollLeft = 0;

  function boardScroller() { return document.querySelector("[data-board-scroll]"); }

  function markPosition() {
    var board = boardScroller();
    if (!board) { return; }
    var wrap = board.parentElement;
    var max = board.scrollWidth - board.clientWidth;
    wrap.classList.toggle("at-start", board.scrollLeft <= 2);
    wrap.classList.toggle("at-end", board.scrollLeft >= max - 2);
    var current = null;
    board.querySelectorAll(".board-col").forEach(function (col) {
      if (current === null && col.offsetLeft + col.offsetWidth / 2 > board.scrollLeft) { current = col.dataset.column; }
    });
    document.querySelectorAll("[data-board-jump]").forEach(function (a) {
      a.classList.toggle("current", a.dataset.boardJump === current);
    });
  }

  function watchBoard() {
    var board = boardScroller();
    if (!board) { return; }
    board.scrollLeft = scrollLeft;
    board.addEventListener("scroll", function () { scrollLeft = board.scrollLeft; markPosition(); }, { passive: true });
    markPosition();
  }

  document.addEventListener("click", function (e) {
    var jump = e.target.closest && e.target.closest("[data-board-jump]");
    var board = boardScroller();
    if (!jump || !board) { return; }
    var col = board.querySelector('[data-column="' + jump.dataset.boardJump + '"]');
    if (!col) { return; }
    e.preventDefault();
    board.scrollTo({ left: col.offsetLeft, behavior: "smooth" });
  });

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
    checkNew(); tick(); watchBoard();
    setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target.id === "board-live") { checkNew(); tick(); watchBoard(); }
  });
  window.addEventListener("resize", markPosition);
})();
