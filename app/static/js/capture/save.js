/* Saving: the drop-in and its photos go to the outbox (the one write path, online or
   offline) and the sync loop sends them. Then the form starts afresh and says what
   became of the last saved drop-in. */
(function () {
  "use strict";
  const outbox = window.Dropin.outbox;
  const capture = window.Dropin.capture;
  const form = capture.form;
  const saveButton = form.querySelector("[data-save]");
  const alert = form.querySelector("[data-form-alert]");
  const picker = form.querySelector("[data-photos]");

  /** The visit as the API takes it. A fix keeps the original's length and circumstances. */
  function visitPayload() {
    const visit = capture.visit;
    const minutes = Math.ceil((visit.stoppedAt.getTime() - visit.startedAt.getTime()) / 60000);
    const original = visit.original || {};
    return {
      teacher_id: Number(capture.chosenTeacher().id),
      started_at: visit.startedAt.toISOString(),
      duration_minutes: original.duration_minutes || Math.min(240, Math.max(1, minutes)),
      class_name: capture.fieldValue("class_name"),
      subject: capture.fieldValue("subject"),
      notes: capture.fieldValue("notes"),
      action_step: capture.stepChoice(),
      captured_offline: "captured_offline" in original
        ? original.captured_offline : navigator.onLine === false,
      created_at: original.created_at || new Date().toISOString(),
      updated_at: new Date().toISOString(),
    };
  }

  function labelFor(payload, teacher) {
    const what = [payload.class_name, payload.subject].filter(Boolean).join(" ");
    return teacher.name + (what ? " · " + what : "");
  }

  function showBusy(busy) {
    capture.saving = busy;
    saveButton.disabled = busy;
    if (busy) saveButton.setAttribute("aria-busy", "true");
    else saveButton.removeAttribute("aria-busy");
    saveButton.textContent = busy ? "Saving…" : "Save";
    picker.disabled = busy; // a photo picked now would belong to no drop-in
  }

  async function save(event) {
    event.preventDefault();
    if (capture.saving) return; // a double tap saves once
    const problems = capture.validate();
    if (problems.length) {
      problems[0].focus();
      return;
    }
    showBusy(true);
    capture.stopTimer();
    alert.hidden = true;
    let ok = false;
    try {
      if (capture.visit.preparing) {
        saveButton.textContent = "Saving when the photos are ready…";
        await capture.photosReady();
        saveButton.textContent = "Saving…";
      }
      const visit = capture.visit;
      const teacher = capture.chosenTeacher();
      const payload = visitPayload();
      await outbox.add({
        id: visit.id, kind: "visit", payload: payload, label: labelFor(payload, teacher),
        photos: visit.photos, createdAt: visit.createdAt,
      });
      await capture.saveVerdict(teacher);
      ok = true;
      saved(teacher.name, visit.id);
    } catch (error) {
      alert.textContent = "Not saved: " + (error.message || error) + " Try again.";
      alert.hidden = false;
    } finally {
      if (!ok) capture.resumeTimer();
      showBusy(false);
    }
  }

  /* What became of the last saved drop-in: "Saved on this phone: …" and then how far it got. */
  let lastSaved = null;

  async function describeLastSaved() {
    if (!lastSaved) return;
    const item = await outbox.get(lastSaved.id);
    const progress = !item ? "Sent to the server."
      : navigator.onLine === false ? "It syncs when the phone is online."
        : item.state === "pending" || item.state === "sending" ? "Sending it now…"
          : "It has not synced yet: see the list below.";
    const message = form.querySelector("[data-saved-message]");
    const text = "Saved on this phone: drop-in with " + lastSaved.teacherName + ". " + progress;
    if (message.firstChild && message.firstChild.textContent === text) return;
    message.replaceChildren(text);
    if (!item) message.append(" ", linkToVisit(message, lastSaved.id));
  }

  /** Once on the server, the drop-in's own page: to read it back or add to it. */
  function linkToVisit(message, id) {
    const link = document.createElement("a");
    link.href = message.dataset.visitUrl.replace("00000000-0000-0000-0000-000000000000", id);
    link.textContent = "Open the drop-in";
    return link;
  }

  function saved(teacherName, id) {
    const editing = new URLSearchParams(location.search).has("edit");
    lastSaved = { id: id, teacherName: teacherName };
    capture.clearDraft(id);
    describeLastSaved();
    if (editing) {
      capture.changed = false; // saved: leaving asks nothing
      location.assign(document.querySelector("[data-sync-status-text]").getAttribute("href"));
      return;
    }
    form.reset();
    capture.startVisit();
    capture.fillTeachers("");
    capture.renderPhotos();
    capture.countStep();
    capture.tickTimer();
    window.dispatchEvent(new Event("dropin:capture-idle"));
    window.scrollTo({ top: 0 });
  }

  form.addEventListener("submit", save);
  outbox.onChange(describeLastSaved);
  window.addEventListener("online", describeLastSaved);
  window.addEventListener("offline", describeLastSaved);
})();
