/* The lesson timer: how long the coach has been in the lesson, out of ten minutes. */
(function () {
  "use strict";
  const capture = window.Dropin.capture;
  const LESSON_MINUTES = 10;

  function tick() {
    const seconds = Math.max(0, Math.floor((Date.now() - capture.visit.startedAt.getTime()) / 1000));
    const clock = document.querySelector("[data-timer-clock]");
    clock.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    document.querySelector("[data-timer]").dataset.over = String(seconds >= LESSON_MINUTES * 60);
  }

  capture.startTimer = () => {
    tick();
    setInterval(tick, 1000);
  };
})();
