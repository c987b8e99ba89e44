/* The capture page: one drop-in in well under a minute of tapping. The modules in
   js/capture/ each keep one concern (form and validation, the step chooser, the verdict,
   photos, the timer, saving); this one starts the page, for a new drop-in, one from a
   teacher's card (?teacher=<id>) or a refused capture being fixed (?edit=<id>). */
(function () {
  "use strict";
  const outbox = window.Dropin.outbox;
  const capture = window.Dropin.capture;
  const form = capture.form;

  async function loadForEditing(id) {
    const item = await outbox.get(id);
    if (!item || item.kind !== "visit" || !outbox.isMine(item)) return;
    const payload = item.payload;
    const photos = await Promise.all(item.photos.map(async (photo) => ({
      id: photo.id, type: photo.type, caption: photo.caption,
      bytes: (await outbox.photo(photo.id)).bytes,
    })));
    const startedAt = new Date(payload.started_at);
    capture.startVisit({
      id: item.id, startedAt: startedAt, photos: photos,
      stoppedAt: new Date(startedAt.getTime() + payload.duration_minutes * 60000),
      libraryStepId: payload.action_step.library_step_id || null, createdAt: item.createdAt,
      verdict: payload.action_step.step_id ? { choice: "practising", stepId: payload.action_step.step_id } : null,
      original: payload,
    });
    document.querySelector("[data-capture-heading]").textContent = "Fix this drop-in";
    const alert = form.querySelector("[data-form-alert]");
    alert.textContent = "The server said: " + item.lastError;
    alert.hidden = !item.lastError;
    capture.chooseTeacher(payload.teacher_id);
    form.querySelector('[data-field="class_name"]').value = payload.class_name;
    form.querySelector('[data-field="subject"]').value = payload.subject;
    form.querySelector('[data-field="notes"]').value = payload.notes;
    capture.writeStep(payload.action_step.text || "");
    capture.writePlan(payload.action_step.practice_plan || capture.libraryPlan(payload.action_step.library_step_id));
    capture.renderPhotos();
  }

  /** From a teacher's card: only a teacher this coach may write for is chosen; anything
      else leaves the choice empty. */
  function preselectTeacher(id) {
    if (!id || !capture.teacherById(id)) return;
    capture.chooseTeacher(capture.teacherById(id).id);
  }

  document.addEventListener("DOMContentLoaded", () => {
    capture.startVisit();
    capture.fillCategories();
    capture.fillTeachers("");
    capture.countStep();
    capture.startTimer();
    const query = new URLSearchParams(location.search);
    if (query.get("edit")) loadForEditing(query.get("edit"));
    else if (!capture.restoreDraft()) preselectTeacher(query.get("teacher"));
  });
})();
