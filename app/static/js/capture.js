/* The capture page: one drop-in in well under a minute of tapping. Saving writes the
   visit and its photos to the outbox (the one write path, online or offline); the sync
   loop sends them. The page's data (teachers, current steps, library) is embedded in it. */
(function () {
  "use strict";
  const outbox = window.Dropin.outbox;
  const STEP_MAX = 280;
  const LESSON_MINUTES = 10;
  const data = JSON.parse(document.getElementById("capture-data").textContent);
  const form = document.querySelector("[data-capture-form]");
  const $ = (selector) => form.querySelector(selector);
  const teacherSelect = $("[data-teacher]");
  const stepInput = $('[data-field="action_step"]');
  const saveButton = $("[data-save]");

  /* One drop-in at a time: its id and start are made on the device when it starts. */
  let visit = null;
  let dirty = false;
  let saving = false;

  /** The drop-in starts at the coach's first touch, not when the page was opened. */
  function touched() {
    if (!dirty) visit.startedAt = new Date();
    dirty = true;
  }

  function startVisit(existing) {
    visit = existing || {
      id: crypto.randomUUID(), startedAt: new Date(), photos: [], libraryStepId: null,
      verdict: null, createdAt: null, original: null,
    };
    dirty = Boolean(existing);
  }

  /* ---- teacher: own coachees first, type to filter ---- */
  function teacherById(id) {
    return data.teachers.find((teacher) => String(teacher.id) === String(id)) || null;
  }

  function fillTeachers(filter) {
    const chosen = teacherSelect.value;
    const words = filter.trim().toLowerCase();
    const matches = data.teachers.filter((t) => !words || t.name.toLowerCase().includes(words));
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

  function teacherChanged() {
    const teacher = teacherById(teacherSelect.value);
    showCurrentStep(teacher);
    fillLibrary();
    recheck("teacher");
  }

  /* ---- the teacher's current step and the one-tap verdict on it ---- */
  const STATUS_WORDS = { new: "New", practising: "Practising", embedded: "Embedded" };

  /** The step a verdict is about: the teacher's live step, but never the step of the
      capture being fixed (it is this drop-in's own step, not the one before it). */
  function stepToJudge(teacher) {
    const step = teacher && teacher.current_step;
    return step && step.visit_id !== visit.id ? step : null;
  }

  function showCurrentStep(teacher) {
    const box = form.querySelector("[data-current-step]");
    const step = stepToJudge(teacher);
    box.hidden = !step;
    if (visit.verdict && (!step || visit.verdict.visitId !== step.visit_id)) visit.verdict = null;
    if (!step) return;
    box.querySelector("[data-current-step-text]").textContent = step.text;
    box.querySelector("[data-current-step-meta]").textContent =
      "Set " + new Date(step.set_on).toLocaleDateString(document.documentElement.lang || [], { day: "numeric", month: "short" }) +
      " · " + STATUS_WORDS[step.status] + (step.acknowledged ? " · seen by the teacher" : "");
    for (const button of box.querySelectorAll("[data-verdict]")) {
      const pressed = Boolean(visit.verdict && visit.verdict.choice === button.dataset.verdict);
      button.setAttribute("aria-pressed", String(pressed));
    }
  }

  function chooseVerdict(choice) {
    const step = stepToJudge(teacherById(teacherSelect.value));
    const again = visit.verdict && visit.verdict.choice === choice;
    visit.verdict = again ? null : { choice: choice, visitId: step.visit_id, teacher: teacherSelect.value };
    touched();
    if (!again && choice === "practising" && !stepInput.value) {
      stepInput.value = step.text; // carry the same step forward
      countStep();
    }
    if (!again && choice === "change") stepInput.focus();
    showCurrentStep(teacherById(teacherSelect.value));
  }

  /* ---- the action-step library: filter by category, search ---- */
  function libraryForTeacher() {
    const teacher = teacherById(teacherSelect.value);
    if (!teacher) return data.library;
    return data.library.filter((step) => step.trust_id === teacher.trust_id &&
      (step.school_id === null || step.school_id === teacher.school_id));
  }

  function fillCategories() {
    const select = form.querySelector("[data-library-category]");
    const categories = [...new Set(data.library.map((step) => step.category))].sort();
    for (const category of categories) select.append(new Option(category, category));
  }

  function fillLibrary() {
    const category = form.querySelector("[data-library-category]").value;
    const words = form.querySelector("[data-library-search]").value.trim().toLowerCase();
    const steps = libraryForTeacher().filter((step) =>
      (!category || step.category === category) &&
      (!words || (step.title + " " + step.guidance + " " + step.category).toLowerCase().includes(words)));
    const items = steps.map((step) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "library-step";
      button.dataset.libraryStep = step.id;
      button.setAttribute("aria-pressed", String(visit.libraryStepId === step.id));
      const title = document.createElement("span");
      title.textContent = step.title;
      const meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = step.category + (step.guidance ? " · " + step.guidance : "");
      button.append(title, meta);
      li.append(button);
      return li;
    });
    form.querySelector("[data-library-list]").replaceChildren(...items);
    form.querySelector("[data-library-empty]").hidden = steps.length > 0;
  }

  function chooseLibraryStep(id) {
    const step = data.library.find((s) => s.id === Number(id));
    visit.libraryStepId = step.id;
    stepInput.value = step.title;
    touched();
    countStep();
    fillLibrary();
    form.querySelector("[data-library]").open = false;
    stepInput.focus();
  }

  function countStep() {
    const length = stepInput.value.trim().length;
    const counter = form.querySelector("[data-step-counter]");
    counter.textContent = length + " of " + STEP_MAX;
    counter.classList.toggle("over", length > STEP_MAX);
    // Too long is said at once (pasted text is never cut); other errors wait for Save.
    if (length > STEP_MAX) showError("action_step", stepProblem());
    else recheck("action_step");
    const chosen = data.library.find((s) => s.id === visit.libraryStepId);
    if (chosen && stepInput.value.trim() !== chosen.title) visit.libraryStepId = null; // written afresh
    form.querySelector("[data-library-choice]").textContent =
      visit.libraryStepId ? "From the library (" + chosen.category + "). " : "";
  }

  /* ---- photos: downscaled on the device (photos.js), each removable and captionable ---- */
  async function addPhotos(files) {
    const refused = [];
    for (const file of files) {
      if (!(await window.Dropin.photos.isPicture(file))) {
        refused.push(file.name);
        continue;
      }
      const photo = await window.Dropin.photos.downscaled(file);
      visit.photos.push({ id: crypto.randomUUID(), type: photo.type, bytes: photo.bytes, caption: "" });
    }
    showError("photos", refused.length ? refusedMessage(refused) : "");
    touched();
    renderPhotos();
  }

  function refusedMessage(names) {
    const quoted = names.map((name) => "\u201c" + name + "\u201d").join(", ");
    return (names.length === 1 ? quoted + " is not a photo" : quoted + " are not photos") +
      ": choose a JPEG, PNG, WebP or HEIC picture.";
  }

  function renderPhotos() {
    window.Dropin.photos.render(form.querySelector("[data-photo-list]"), visit.photos);
  }

  /* ---- the lesson timer: ten minutes ---- */
  function tick() {
    const seconds = Math.max(0, Math.floor((Date.now() - visit.startedAt.getTime()) / 1000));
    const clock = document.querySelector("[data-timer-clock]");
    clock.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    document.querySelector("[data-timer]").dataset.over = String(seconds >= LESSON_MINUTES * 60);
  }

  /* ---- validation, at the field ---- */
  function showError(name, message) {
    const error = form.querySelector('[data-error-for="' + name + '"]');
    error.textContent = message || "";
    error.hidden = !message;
    const input = name === "teacher" ? teacherSelect
      : form.querySelector('[data-field="' + name + '"]') || form.querySelector("[data-" + name + "]");
    if (input) input.toggleAttribute("aria-invalid", Boolean(message));
  }

  function teacherProblem() {
    return teacherById(teacherSelect.value) ? "" : "Choose the teacher you visited.";
  }

  function stepProblem() {
    const text = stepInput.value.trim();
    if (!text) return "Write one action step, or choose one from the library.";
    if (text.length > STEP_MAX) {
      return "Shorten the step to " + STEP_MAX + " characters (" + (text.length - STEP_MAX) + " too many).";
    }
    return "";
  }

  const PROBLEMS = { teacher: teacherProblem, action_step: stepProblem };

  /** A field whose error is showing gets it recomputed as soon as the field changes. */
  function recheck(name) {
    const error = form.querySelector('[data-error-for="' + name + '"]');
    if (!error.hidden) showError(name, PROBLEMS[name]());
  }

  function validate() {
    const problems = [];
    const teacherMessage = teacherProblem();
    const stepMessage = stepProblem();
    showError("teacher", teacherMessage);
    showError("action_step", stepMessage);
    if (teacherMessage) problems.push(teacherSelect);
    if (stepMessage) problems.push(stepInput);
    return problems;
  }

  function fieldValue(name) {
    return form.querySelector('[data-field="' + name + '"]').value.trim();
  }

  /** The visit as the API takes it. A fix keeps the original's length and circumstances. */
  function visitPayload() {
    const minutes = Math.ceil((Date.now() - visit.startedAt.getTime()) / 60000);
    const original = visit.original || {};
    return {
      teacher_id: Number(teacherSelect.value),
      started_at: visit.startedAt.toISOString(),
      duration_minutes: original.duration_minutes || Math.min(240, Math.max(1, minutes)),
      class_name: fieldValue("class_name"),
      subject: fieldValue("subject"),
      notes: fieldValue("notes"),
      action_step: { text: stepInput.value.trim(), library_step_id: visit.libraryStepId },
      captured_offline: "captured_offline" in original
        ? original.captured_offline : navigator.onLine === false,
      created_at: original.created_at || new Date().toISOString(),
      updated_at: new Date().toISOString(),
    };
  }

  function labelFor(payload) {
    const teacher = teacherById(payload.teacher_id);
    const what = [payload.class_name, payload.subject].filter(Boolean).join(" ");
    return teacher.name + (what ? " · " + what : "");
  }

  async function save(event) {
    event.preventDefault();
    if (saving) return; // a double tap saves once
    const problems = validate();
    if (problems.length) {
      problems[0].focus();
      return;
    }
    saving = true;
    saveButton.disabled = true;
    saveButton.setAttribute("aria-busy", "true");
    saveButton.textContent = "Saving…";
    const alert = form.querySelector("[data-form-alert]");
    alert.hidden = true;
    try {
      const payload = visitPayload();
      const teacherName = teacherById(payload.teacher_id).name;
      await outbox.add({
        id: visit.id, kind: "visit", payload: payload, label: labelFor(payload),
        photos: visit.photos, createdAt: visit.createdAt,
      });
      if (visit.verdict && visit.verdict.choice !== "change") {
        await outbox.add({
          kind: "step-update",
          label: teacherName + "'s step: " + STATUS_WORDS[visit.verdict.choice].toLowerCase(),
          payload: { visit_id: visit.verdict.visitId, changes: { status: visit.verdict.choice } },
        });
        teacherById(payload.teacher_id).current_step.status = visit.verdict.choice;
      }
      saved(teacherName, visit.id);
    } catch (error) {
      alert.textContent = "Not saved: " + (error.message || error) + " Try again.";
      alert.hidden = false;
    } finally {
      saving = false;
      saveButton.disabled = false;
      saveButton.removeAttribute("aria-busy");
      saveButton.textContent = "Save";
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
    if (message.textContent !== text) message.textContent = text;
  }

  function saved(teacherName, id) {
    const editing = new URLSearchParams(location.search).has("edit");
    lastSaved = { id: id, teacherName: teacherName };
    describeLastSaved();
    if (editing) {
      location.assign(document.querySelector("[data-sync-status-text]").getAttribute("href"));
      return;
    }
    form.reset();
    startVisit();
    fillTeachers("");
    renderPhotos();
    countStep();
    window.dispatchEvent(new Event("dropin:capture-idle"));
    window.scrollTo({ top: 0 });
  }

  /* ---- fixing a capture the server refused: /visits/new?edit=<id> ---- */
  async function loadForEditing(id) {
    const item = await outbox.get(id);
    if (!item || item.kind !== "visit") return;
    const payload = item.payload;
    const photos = await Promise.all(item.photos.map(async (photo) => ({
      id: photo.id, type: photo.type, caption: photo.caption,
      bytes: (await outbox.photo(photo.id)).bytes,
    })));
    startVisit({
      id: item.id, startedAt: new Date(payload.started_at), photos: photos,
      libraryStepId: payload.action_step.library_step_id, verdict: null, createdAt: item.createdAt,
      original: payload,
    });
    document.querySelector("[data-capture-heading]").textContent = "Fix this drop-in";
    const alert = form.querySelector("[data-form-alert]");
    alert.textContent = "The server said: " + item.lastError;
    alert.hidden = !item.lastError;
    teacherSelect.value = payload.teacher_id;
    teacherChanged();
    form.querySelector('[data-field="class_name"]').value = payload.class_name;
    form.querySelector('[data-field="subject"]').value = payload.subject;
    form.querySelector('[data-field="notes"]').value = payload.notes;
    stepInput.value = payload.action_step.text;
    countStep();
    renderPhotos();
  }

  /** /visits/new?teacher=<id> from a teacher's card: only a teacher this coach may
      write for is chosen; anything else leaves the choice empty. */
  function preselectTeacher(id) {
    if (!id || !teacherById(id)) return;
    teacherSelect.value = teacherById(id).id;
    teacherChanged();
  }

  function wireEvents() {
    form.addEventListener("submit", save);
    outbox.onChange(describeLastSaved);
    window.addEventListener("online", describeLastSaved);
    window.addEventListener("offline", describeLastSaved);
    form.addEventListener("input", (event) => {
      touched();
      if (event.target === stepInput) countStep();
      if (event.target.dataset.caption) {
        const photo = visit.photos.find((p) => p.id === event.target.dataset.caption);
        photo.caption = event.target.value;
      }
    });
    form.querySelector("[data-teacher-filter]").addEventListener("input", (event) => fillTeachers(event.target.value));
    teacherSelect.addEventListener("change", () => {
      touched();
      teacherChanged();
    });
    form.querySelector("[data-library-category]").addEventListener("change", fillLibrary);
    form.querySelector("[data-library-search]").addEventListener("input", fillLibrary);
    form.querySelector("[data-photos]").addEventListener("change", async (event) => {
      await addPhotos([...event.target.files]);
      event.target.value = "";
    });
    form.addEventListener("click", (event) => {
      const target = event.target.closest("button");
      if (!target) return;
      if (target.dataset.verdict) chooseVerdict(target.dataset.verdict);
      if (target.dataset.libraryStep) chooseLibraryStep(target.dataset.libraryStep);
      if (target.dataset.removePhoto) {
        visit.photos = visit.photos.filter((p) => p.id !== target.dataset.removePhoto);
        renderPhotos();
        form.querySelector("[data-photos]").focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    startVisit();
    fillCategories();
    fillTeachers("");
    wireEvents();
    countStep();
    tick();
    setInterval(tick, 1000);
    const query = new URLSearchParams(location.search);
    if (query.get("edit")) loadForEditing(query.get("edit"));
    else preselectTeacher(query.get("teacher"));
  });

  window.Dropin.capture = {
    /** True while a drop-in is being written: a new app version waits until it is saved. */
    inProgress: () => dirty || saving,
  };
})();
