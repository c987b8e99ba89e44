/* The capture form: the page's data (teachers, current steps, library), the drop-in being
   written, the teacher chooser and validation at the field. The other capture modules
   (steps, verdict, photos, timer, save) add to window.Dropin.capture; capture.js starts
   the page. */
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("capture-data").textContent);
  const form = document.querySelector("[data-capture-form]");
  const teacherSelect = form.querySelector("[data-teacher]");

  const capture = {
    data: data,
    form: form,
    /* One drop-in at a time: its id and start are made on the device when it starts. */
    visit: null,
    dirty: false,
    /** True once the coach has written or picked anything on this page (leave.js asks). */
    changed: false,
    saving: false,
    /** field name -> function giving the field's problem ("" when fine), in page order. */
    problems: {},
    /** True when the server's search (search.js) found this teacher for these words. */
    foundFor: () => false,
  };

  /** The drop-in starts at the coach's first touch, not when the page was opened. */
  function touched() {
    if (!capture.dirty) capture.visit.startedAt = new Date();
    capture.dirty = true;
    capture.changed = true;
  }

  function startVisit(existing) {
    capture.visit = existing || {
      id: crypto.randomUUID(), startedAt: new Date(), photos: [], libraryStepId: null,
      verdict: null, createdAt: null, original: null,
    };
    capture.visit.preparing = 0; // photos picked for this drop-in and still being shrunk
    capture.dirty = Boolean(existing);
    capture.changed = false;
  }

  function fieldValue(name) {
    return form.querySelector('[data-field="' + name + '"]').value.trim();
  }

  /* ---- teacher: own coachees first, type to filter ---- */
  function teacherById(id) {
    return data.teachers.find((teacher) => String(teacher.id) === String(id)) || null;
  }

  function chosenTeacher() {
    return teacherById(teacherSelect.value);
  }

  function fillTeachers(filter) {
    const chosen = teacherSelect.value;
    const words = filter.trim().toLowerCase();
    const matches = data.teachers.filter((t) => !words || t.name.toLowerCase().includes(words) || capture.foundFor(words, t));
    const groups = [
      ["Your coachees", matches.filter((t) => t.coached_by_you)],
      ["Others you may visit", matches.filter((t) => !t.coached_by_you)],
    ];
    const options = [new Option(matches.length ? "Choose…" : "No teacher matches", "")];
    for (const [label, teachers] of groups) {
      if (!teachers.length) continue;
      const group = document.createElement("optgroup");
      group.label = label;
      for (const t of teachers) group.append(new Option(t.name + " · " + t.school, t.id));
      options.push(group);
    }
    teacherSelect.replaceChildren(...options);
    if (matches.length === 1) teacherSelect.value = matches[0].id;
    else if (matches.some((t) => String(t.id) === chosen)) teacherSelect.value = chosen;
    teacherChanged();
  }

  /** The step card and the library follow the teacher ("capture:teacher" on the form). */
  function teacherChanged() {
    form.dispatchEvent(new CustomEvent("capture:teacher", { detail: chosenTeacher() }));
    recheck("teacher");
  }

  function chooseTeacher(id) {
    teacherSelect.value = id;
    teacherChanged();
  }

  /* ---- validation, at the field ---- */
  function inputFor(name) {
    if (name === "teacher") return teacherSelect;
    return form.querySelector('[data-field="' + name + '"]') || form.querySelector("[data-" + name + "]");
  }

  function showError(name, message) {
    const error = form.querySelector('[data-error-for="' + name + '"]');
    error.textContent = message || "";
    error.hidden = !message;
    const input = inputFor(name);
    if (input) input.toggleAttribute("aria-invalid", Boolean(message));
  }

  capture.problems.teacher = () => (chosenTeacher() ? "" : "Choose the teacher you visited.");

  /* Notes are never cut short (pasted text would lose its end in silence): too long is said
     at once, and Save waits until they are shortened. */
  const NOTES_MAX = window.Dropin.limits.notes;
  capture.problems.notes = () => {
    const over = fieldValue("notes").length - NOTES_MAX;
    return over > 0 ? "Shorten the notes to " + NOTES_MAX.toLocaleString("en-GB") + " characters (" + over.toLocaleString("en-GB") + " too many)." : "";
  };

  /** A field whose error is showing gets it recomputed as soon as the field changes. */
  function recheck(name) {
    const error = form.querySelector('[data-error-for="' + name + '"]');
    if (!error.hidden) showError(name, capture.problems[name]());
  }

  /** Show every problem at its field; the inputs needing attention, first first. */
  function validate() {
    const inputs = [];
    for (const [name, problem] of Object.entries(capture.problems)) {
      const message = problem();
      showError(name, message);
      if (message) inputs.push(inputFor(name));
    }
    return inputs;
  }

  form.addEventListener("input", touched);
  form.querySelector('[data-field="notes"]').addEventListener("input", () => showError("notes", capture.problems.notes()));
  form.querySelector("[data-teacher-filter]").addEventListener("input", (event) => fillTeachers(event.target.value));
  teacherSelect.addEventListener("change", () => {
    touched();
    teacherChanged();
  });

  window.Dropin.capture = Object.assign(capture, {
    touched, startVisit, fieldValue, teacherById, chosenTeacher, fillTeachers, chooseTeacher,
    showError, recheck, validate,
    /** True while a drop-in is being written: a new app version waits until it is saved. */
    inProgress: () => capture.dirty || capture.saving,
  });
})();
