/* The drop-in being written, kept on the phone as the coach goes: a phone that closes the
   tab (Android does, to open the camera), a reload or a flat battery loses nothing typed.
   One draft per person (localStorage "dropin-draft-<user id>"), restored when the capture
   page opens again; gone once the drop-in is saved, on "Start again", after a day, and at
   sign-out (status.js). Photos are not kept in it: the coach is told to add them again.
   A capture being fixed (?edit=) is already in the outbox and makes no draft. */
(function () {
  "use strict";
  const capture = window.Dropin.capture;
  const form = capture.form;
  const note = form.querySelector("[data-draft-note]");
  const KEPT_FOR_MS = 24 * 60 * 60 * 1000;
  /** Longer without an input than this, and the drop-in is taken to have ended then. */
  const PAUSE_MS = 15 * 60 * 1000;
  const PREFIX = "dropin-draft-";
  const FIELDS = ["class_name", "subject", "notes"];
  let pending = null;
  let dropped = false; // "Start again": nothing more is kept while the page reloads

  function key() {
    const meta = document.querySelector('meta[name="dropin-user"]');
    return meta && meta.content ? PREFIX + meta.content : null;
  }

  /** This person's draft, if any under a day old. A day-old draft, and another person's
      (they left it on a shared phone, as the worker forgets their pages), go for good. */
  function read() {
    try {
      for (const other of Object.keys(localStorage)) {
        if (other.startsWith(PREFIX) && other !== key()) localStorage.removeItem(other);
      }
      const draft = JSON.parse(localStorage.getItem(key()) || "null");
      if (draft && Date.now() - Date.parse(draft.savedAt) < KEPT_FOR_MS) return draft;
      localStorage.removeItem(key());
    } catch (unreadable) {
      // No storage here (refused, or private browsing): no draft.
    }
    return null;
  }

  function write() {
    pending = null;
    const visit = capture.visit;
    if (dropped || !key() || !capture.dirty || visit.original) return;
    const draft = {
      visitId: visit.id,
      startedAt: visit.startedAt.toISOString(),
      endedAt: visit.endedAt ? visit.endedAt.toISOString() : null,
      teacherId: capture.chosenTeacher() ? capture.chosenTeacher().id : null,
      fields: Object.fromEntries(FIELDS.map((name) => [name, form.querySelector('[data-field="' + name + '"]').value])),
      step: capture.stepInput.value,
      libraryStepId: visit.libraryStepId,
      verdict: visit.verdict,
      plan: capture.practicePlan(),
      photos: visit.photos.length,
      savedAt: new Date().toISOString(),
    };
    try {
      localStorage.setItem(key(), JSON.stringify(draft));
    } catch (full) {
      // Storage full or refused: the page still holds everything, as before drafts.
    }
  }

  /** After the coach's input, once things have settled (a click updates the visit first). */
  function writeSoon() {
    clearTimeout(pending);
    pending = setTimeout(write, 300);
  }

  /** The drop-in was saved (`visitId`) or dropped: its draft and the note about it go. */
  function clear(visitId) {
    const draft = read();
    if (visitId && draft && draft.visitId !== visitId) return;
    note.hidden = true;
    try {
      if (key()) localStorage.removeItem(key());
    } catch (refused) {
      // Nothing was kept, so nothing to forget.
    }
  }

  function tell(draft, teacher) {
    const started = new Date(draft.startedAt).toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
    const photos = draft.photos === 1 ? "Its photo was not kept: add it again." : draft.photos ? "Its " + draft.photos + " photos were not kept: add them again." : "";
    note.querySelector("[data-draft-text]").textContent = "Carried on from the drop-in you were writing" +
      (teacher ? " with " + teacher.name : "") + ", started at " + started + ". " + photos;
    note.hidden = false;
  }

  /** The capture page opened afresh (a teacher's card included: the tab Android closed
      may have been opened from one): carry on with the drop-in being written. True if
      there was one. */
  function restore() {
    const draft = read();
    if (!draft) return false;
    capture.startVisit({
      id: draft.visitId, startedAt: new Date(draft.startedAt), photos: [],
      libraryStepId: draft.libraryStepId, verdict: draft.verdict, createdAt: null, original: null,
    });
    // Back after a long gap: the drop-in ended at its last input, not now.
    const late = Date.now() - Date.parse(draft.savedAt) > PAUSE_MS;
    const ended = draft.endedAt || (late ? draft.savedAt : null);
    if (ended) capture.visit.endedAt = new Date(ended);
    capture.changed = true;
    const teacher = draft.teacherId && capture.teacherById(draft.teacherId);
    if (teacher) capture.chooseTeacher(teacher.id);
    for (const name of FIELDS) form.querySelector('[data-field="' + name + '"]').value = draft.fields[name] || "";
    capture.writeStep(draft.step || "");
    capture.writePlan(draft.plan || {});
    capture.tickTimer();
    tell(draft, teacher);
    return true;
  }

  function startAgain() {
    dropped = true;
    clearTimeout(pending);
    clear();
    capture.changed = false; // the coach chose to drop it: leaving asks nothing
    location.replace(location.pathname + location.search);
  }

  form.addEventListener("input", writeSoon);
  form.addEventListener("change", writeSoon);
  form.addEventListener("click", writeSoon);
  note.querySelector("[data-draft-start-again]").addEventListener("click", startAgain);
  // The tab may be closed without another input: keep what is there when it is hidden.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && pending) write();
  });

  Object.assign(capture, { restoreDraft: restore, clearDraft: clear });
})();
