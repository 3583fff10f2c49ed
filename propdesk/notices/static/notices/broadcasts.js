// The broadcast panel: a short tone (made by the Web Audio API, no sound file) when a new open task appears
// after the panel refreshes. Browsers allow sound only after a tap, hence the "sound on" button.
(function () {
  "use strict";
  var audio = null;
  var known = null;

  function ids() {
    var list = document.getElementById("task-list");
    return list && list.dataset.open ? list.dataset.open.split(",") : [];
  }

  function beep() {
    if (!audio) { return; }
    [0, 0.25].forEach(function (offset) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + offset + 0.2);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + offset);
      osc.stop(audio.currentTime + offset + 0.22);
    });
  }

  function check() {
    var now = ids();
    var fresh = known !== null && now.some(function (id) { return known.indexOf(id) === -1; });
    known = now;
    if (fresh) {
      beep();
      document.body.dataset.newTask = "1";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    known = ids();
    var button = document.getElementById("sound-on");
    if (button) {
      button.addEventListener("click", function () {
        var Context = window.AudioContext || window.webkitAudioContext;
        if (Context && !audio) { audio = new Context(); }
        button.disabled = true;
        beep();
      });
    }
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target && event.target.id === "broadcast-panel") { check(); }
    });
  });
})();
