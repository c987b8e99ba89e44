/* The lesson timer, out of ten minutes: it starts at the coach's first touch (not when the
   page opened), never jumps back, and stops at Save. A capture being fixed shows its own
   recorded length. */
(function () {
  "use strict";
  const capture = window.Dropin.capture;
  const LESSON_MINUTES = 10;

  function seconds() {
    const visit = capture.visit;
    if (!visit || !capture.dirty) return 0; // not started: nothing touched yet
    const end = (visit.stoppedAt || visit.endedAt || new Date()).getTime();
    return Math.max(0, Math.floor((end - visit.startedAt.getTime()) / 1000));
  }

  function tick() {
    const elapsed = seconds();
    const clock = document.querySelector("[data-timer-clock]");
    const text = Math.floor(elapsed / 60) + ":" + String(elapsed % 60).padStart(2, "0");
    if (clock.textContent !== text) clock.textContent = text;
    document.querySelector("[data-timer]").dataset.over = String(elapsed >= LESSON_MINUTES * 60);
  }

  /** Save was tapped: the drop-in's length is fixed from here (or from its last input,
      for a draft carried on after a long gap: capture/draft.js). */
  function stop() {
    if (!capture.visit.stoppedAt) capture.visit.stoppedAt = capture.visit.endedAt || new Date();
    tick();
  }

  /** Saving failed: the drop-in goes on (a fix keeps its recorded length). */
  function resume() {
    if (!capture.visit.original) capture.visit.stoppedAt = null;
  }

  Object.assign(capture, {
    startTimer: () => {
      tick();
      setInterval(tick, 1000);
    },
    stopTimer: stop,
    resumeTimer: resume,
    tickTimer: tick,
  });
})();
