/* The practice log of a step. A new entry goes into the device's outbox, the one write
   path on the coach's phone and the teacher's tablet alike, so it is kept offline and
   sent by the sync loop (PUT /api/v1/steps/<id>/practice/<uuid>, idempotent on the id
   made here). It shows at once as waiting, and as sent once the server has it. Without
   the outbox (no IndexedDB) the form simply posts. */
(function () {
  "use strict";
  const outbox = () => window.Dropin && window.Dropin.outbox;
  const KIND_LABELS = { rehearsal: "Rehearsed", lesson: "Tried it in class" };

  function signedInUser() {
    const meta = document.querySelector('meta[name="dropin-user"]');
    return meta ? meta.content : "";
  }

  /** Today on this device's calendar, YYYY-MM-DD (a page kept offline for days would
      otherwise offer the day it was kept). */
  function today() {
    const now = new Date();
    const pad = (number) => String(number).padStart(2, "0");
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function dayLabel(iso) {
    const [year, month, day] = iso.split("-").map(Number);
    return new Date(year, month - 1, day).toLocaleDateString(document.documentElement.lang || [], {
      weekday: "short", day: "numeric", month: "short",
    });
  }

  function showEntry(section, id, entry) {
    const item = document.createElement("li");
    item.className = "practice-entry mine";
    item.dataset.waitingPractice = id;
    const meta = document.createElement("p");
    meta.className = "comment-meta";
    meta.dataset.practiceMeta = KIND_LABELS[entry.kind] + " · " + dayLabel(entry.practised_on) + " · You";
    meta.textContent = meta.dataset.practiceMeta + " · waiting to sync";
    item.append(meta);
    if (entry.note) {
      const text = document.createElement("p");
      text.className = "comment-body";
      text.textContent = entry.note;
      item.append(text);
    }
    section.querySelector("[data-practice-list]").prepend(item);
    const empty = section.querySelector("[data-no-practice]");
    if (empty) empty.hidden = true;
  }

  /** Problems per field ("" when fine), as the server would say them. */
  function problemsWith(form, entry) {
    const limit = JSON.parse(document.body.dataset.limits).practice_note;
    const day = form.querySelector("[data-practice-day]");
    const problems = { practised_on: "", note: "" };
    if (!entry.practised_on) problems.practised_on = "Choose the day it was practised.";
    else if (day.min && entry.practised_on < day.min) {
      problems.practised_on = "Choose a day on or after the step was set.";
    } else if (entry.practised_on > today()) {
      problems.practised_on = "Choose today or an earlier day: practice is logged after it happens.";
    }
    if (entry.note.length > limit) {
      problems.note = "Shorten the line to " + limit + " characters (" + (entry.note.length - limit) + " too many).";
    }
    return problems;
  }

  function showProblems(form, problems) {
    let first = null;
    for (const [name, message] of Object.entries(problems)) {
      const error = form.querySelector('[data-practice-error="' + name + '"]');
      const field = form.querySelector(name === "note" ? "[data-practice-note]" : "[data-practice-day]");
      error.textContent = message;
      error.hidden = !message;
      field.toggleAttribute("aria-invalid", Boolean(message));
      if (message && !first) first = field;
    }
    if (first) first.focus();
    return Boolean(first);
  }

  async function keep(event) {
    const form = event.target.closest("[data-practice-form]");
    if (!form || !outbox()) return;
    event.preventDefault();
    const section = form.closest("[data-practice]");
    const checked = form.querySelector("input[name=kind]:checked");
    const entry = {
      kind: checked ? checked.value : "rehearsal",
      practised_on: form.querySelector("[data-practice-day]").value,
      note: form.querySelector("[data-practice-note]").value.trim(),
    };
    if (showProblems(form, problemsWith(form, entry))) {
      section.querySelector("[data-practice-status]").textContent = "";
      return;
    }
    const idField = form.querySelector("[data-practice-id]");
    const id = idField.value;
    await outbox().add({
      id: id,
      kind: "practice",
      label: "Practice logged: " + KIND_LABELS[entry.kind].toLowerCase(),
      payload: Object.assign({ step_id: Number(section.dataset.stepId), entry_id: id, created_at: new Date().toISOString() }, entry),
    });
    showEntry(section, id, entry);
    form.querySelector("[data-practice-note]").value = "";
    idField.value = crypto.randomUUID();
    section.querySelector("[data-practice-status]").textContent = navigator.onLine === false
      ? "Saved on this device: it is sent when you are back online."
      : "Saved on this device and being sent.";
  }

  /** An entry the server has confirmed has left the outbox: say so. */
  async function markSent() {
    for (const item of document.querySelectorAll("[data-waiting-practice]")) {
      if (await outbox().get(item.dataset.waitingPractice)) continue;
      item.removeAttribute("data-waiting-practice");
      const meta = item.querySelector("[data-practice-meta]");
      meta.textContent = meta.dataset.practiceMeta + " · sent";
      const section = item.closest("[data-practice]");
      if (!section.querySelector("[data-waiting-practice]")) {
        section.querySelector("[data-practice-status]").textContent = "Sent.";
      }
    }
  }

  /** After a reload, entries still in the outbox are shown as waiting. */
  async function showStillWaiting() {
    const user = signedInUser();
    for (const item of await outbox().list()) {
      if (item.kind !== "practice" || item.userId !== user) continue;
      const section = document.querySelector('[data-practice][data-step-id="' + item.payload.step_id + '"]');
      if (section && !section.querySelector('[data-waiting-practice="' + item.id + '"]')) {
        showEntry(section, item.id, item.payload);
      }
    }
  }

  document.addEventListener("submit", (event) => {
    keep(event).catch((failure) => {
      const form = event.target.closest("[data-practice-form]");
      const status = form && form.closest("[data-practice]").querySelector("[data-practice-status]");
      if (status) status.textContent = "Not saved: " + (failure.message || failure) + " Try again.";
    });
  });
  document.addEventListener("DOMContentLoaded", () => {
    const day = document.querySelector("[data-practice-day]");
    if (day && !day.getAttribute("aria-invalid")) {
      day.value = today();
      day.max = today();
    }
    if (!outbox() || !document.querySelector("[data-practice]")) return;
    showStillWaiting().catch(() => {});
    outbox().onChange(() => markSent().catch(() => {}));
  });
})();
