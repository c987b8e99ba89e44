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
  const FIELDS = ["class_name", "subject", "notes"];
  let pending = null;
  let dropped = false; // "Start again": nothing more is kept while the page reloads

  function key() {
    const meta = document.querySelector('meta[name="dropin-user"]');
    return meta && meta.content ? "dropin-draft-" + meta.content : null;
  }

  function read() {
    try {
      const draft = JSON.parse(localStorage.getItem(key()) || "null");
      return draft && Date.now() - Date.parse(draft.savedAt) < KEPT_FOR_MS ? draft : null;
    } catch (unreadable) {
      return null;
    }
  }

  function write() {
    pending = null;
    const visit = capture.visit;
    if (dropped || !key() || !capture.dirty || visit.original) return;
    const draft = {
      visitId: visit.id,
      startedAt: visit.startedAt.toISOString(),
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

  function clear(visitId) {
    const draft = read();
    if (key() && (!visitId || !draft || draft.visitId === visitId)) localStorage.removeItem(key());
  }

  function tell(draft, teacher) {
    const started = new Date(draft.startedAt).toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
    const photos = draft.photos === 1 ? "Its photo was not kept: add it again." : draft.photos ? "Its " + draft.photos + " photos were not kept: add them again." : "";
    note.querySelector("[data-draft-text]").textContent = "Carried on from the drop-in you were writing" +
      (teacher ? " with " + teacher.name : "") + ", started at " + started + ". " + photos;
    note.hidden = false;
  }

  /** The capture page opened afresh: carry on with the drop-in that was being written. */
  function restore() {
    const draft = read();
    if (!draft) return;
    capture.startVisit({
      id: draft.visitId, startedAt: new Date(draft.startedAt), photos: [],
      libraryStepId: draft.libraryStepId, verdict: draft.verdict, createdAt: null, original: null,
    });
    capture.changed = true;
    const teacher = draft.teacherId && capture.teacherById(draft.teacherId);
    if (teacher) capture.chooseTeacher(teacher.id);
    for (const name of FIELDS) form.querySelector('[data-field="' + name + '"]').value = draft.fields[name] || "";
    capture.writeStep(draft.step || "");
    capture.writePlan(draft.plan || {});
    capture.tickTimer();
    tell(draft, teacher);
  }

  function startAgain() {
    dropped = true;
    clearTimeout(pending);
    clear();
    capture.changed = false; // the coach chose to drop it: leaving asks nothing
    location.replace(location.pathname);
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
