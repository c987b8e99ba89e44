/* The action step: written fresh or chosen from the school's library (filter by category,
   search), counted against the limit as it is typed. */
(function () {
  "use strict";
  const capture = window.Dropin.capture;
  const form = capture.form;
  const library = capture.data.library;
  const stepInput = form.querySelector('[data-field="action_step"]');
  const STEP_MAX = window.Dropin.limits.action_step;

  function stepsForTeacher(teacher) {
    if (!teacher) return library;
    return library.filter((step) => step.trust_id === teacher.trust_id &&
      (step.school_id === null || step.school_id === teacher.school_id));
  }

  function fillCategories() {
    const select = form.querySelector("[data-library-category]");
    const categories = [...new Set(library.map((step) => step.category))].sort();
    for (const category of categories) select.append(new Option(category, category));
  }

  function libraryButton(step) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "library-step";
    button.dataset.libraryStep = step.id;
    button.setAttribute("aria-pressed", String(capture.visit.libraryStepId === step.id));
    const title = document.createElement("span");
    title.textContent = step.title;
    const meta = document.createElement("span");
    meta.className = "muted";
    meta.textContent = step.category + (step.guidance ? " · " + step.guidance : "");
    button.append(title, meta);
    li.append(button);
    return li;
  }

  function fillLibrary() {
    const category = form.querySelector("[data-library-category]").value;
    const words = form.querySelector("[data-library-search]").value.trim().toLowerCase();
    const steps = stepsForTeacher(capture.chosenTeacher()).filter((step) =>
      (!category || step.category === category) &&
      (!words || (step.title + " " + step.guidance + " " + step.category).toLowerCase().includes(words)));
    form.querySelector("[data-library-list]").replaceChildren(...steps.map(libraryButton));
    form.querySelector("[data-library-empty]").hidden = steps.length > 0;
  }

  function chooseLibraryStep(id) {
    const step = library.find((s) => s.id === Number(id));
    capture.visit.libraryStepId = step.id;
    stepInput.value = step.title;
    capture.touched();
    countStep();
    fillLibrary();
    form.querySelector("[data-library]").open = false;
    stepInput.focus();
  }

  function stepProblem() {
    if (capture.keepsPractising && capture.keepsPractising()) return ""; // the same step, no new words
    const text = stepInput.value.trim();
    if (!text && !form.querySelector("[data-current-step]").hidden) {
      return "Write the next action step, or tap Keep practising to keep the current one.";
    }
    if (!text) return "Write one action step, or choose one from the library.";
    if (text.length > STEP_MAX) {
      return "Shorten the step to " + STEP_MAX + " characters (" + (text.length - STEP_MAX) + " too many).";
    }
    return "";
  }

  function countStep() {
    const length = stepInput.value.trim().length;
    const counter = form.querySelector("[data-step-counter]");
    counter.textContent = length + " of " + STEP_MAX;
    counter.classList.toggle("over", length > STEP_MAX);
    // Too long is said at once (pasted text is never cut); other errors wait for Save.
    if (length > STEP_MAX) capture.showError("action_step", stepProblem());
    else capture.recheck("action_step");
    const chosen = library.find((s) => s.id === capture.visit.libraryStepId);
    if (chosen && stepInput.value.trim() !== chosen.title) capture.visit.libraryStepId = null; // written afresh
    form.querySelector("[data-library-choice]").textContent =
      capture.visit.libraryStepId ? "From the library (" + chosen.category + "). " : "";
  }

  /** Put `text` in the step field (a step carried forward, a capture being fixed). */
  function writeStep(text) {
    stepInput.value = text;
    countStep();
  }

  capture.problems.action_step = stepProblem;
  form.addEventListener("capture:teacher", fillLibrary);
  form.addEventListener("input", (event) => {
    if (event.target === stepInput) countStep();
  });
  form.querySelector("[data-library-category]").addEventListener("change", fillLibrary);
  form.querySelector("[data-library-search]").addEventListener("input", fillLibrary);
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-library-step]");
    if (button) chooseLibraryStep(button.dataset.libraryStep);
  });

  Object.assign(capture, {
    stepInput, fillCategories, countStep, writeStep,
    stepText: () => stepInput.value.trim(),
  });
})();
