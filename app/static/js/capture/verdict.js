/* The teacher's live step and the one-tap verdict on it, sent inside the drop-in itself:
     Keep practising -> this drop-in revisits the same step: {"step_id"}, no new words;
     Embedded        -> a new step is written, the live one closes as embedded
                        ({"text", …, "embedded_step_id"});
     Change          -> a new step is written, the live one closes as replaced. */
(function () {
  "use strict";
  const capture = window.Dropin.capture;
  const form = capture.form;
  const box = form.querySelector("[data-current-step]");
  const stepField = form.querySelector("[data-action-step-field]");
  const keeping = form.querySelector("[data-keeping-step]");
  const STATUS_WORDS = { new: "New", practising: "Practising", embedded: "Embedded" };

  /** The step a verdict is about: the teacher's live step, but never the step of the
      capture being fixed (it is this drop-in's own step, not the one before it). */
  function stepToJudge(teacher) {
    const step = teacher && teacher.current_step;
    return step && step.visit_id !== capture.visit.id ? step : null;
  }

  function keepsPractising() {
    const verdict = capture.visit && capture.visit.verdict;
    return Boolean(verdict && verdict.choice === "practising");
  }

  function showCurrentStep(teacher) {
    const visit = capture.visit;
    const step = stepToJudge(teacher);
    box.hidden = !step;
    if (visit.verdict && (!step || visit.verdict.stepId !== step.step_id)) visit.verdict = null;
    showStepField();
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

  /** Keeping the same step needs no new words: the step field gives way to a line that
      says which step this drop-in keeps going. */
  function showStepField() {
    const keep = keepsPractising();
    stepField.hidden = keep;
    keeping.hidden = !keep;
    if (keep) {
      keeping.querySelector("[data-keeping-text]").textContent = capture.chosenTeacher().current_step.text;
      capture.showError("action_step", "");
    }
  }

  function chooseVerdict(choice) {
    const visit = capture.visit;
    const teacher = capture.chosenTeacher();
    const step = stepToJudge(teacher);
    const again = visit.verdict && visit.verdict.choice === choice;
    visit.verdict = again ? null : { choice: choice, stepId: step.step_id, visitId: step.visit_id };
    capture.touched();
    showCurrentStep(teacher);
    if (!again && choice !== "practising") capture.stepInput.focus();
  }

  /** The drop-in's one step, as the API takes it. */
  function stepChoice() {
    const verdict = capture.visit.verdict;
    if (keepsPractising()) return { step_id: verdict.stepId };
    const choice = { text: capture.stepText(), library_step_id: capture.visit.libraryStepId };
    const plan = capture.practicePlan();
    // An empty plan is left out: the server gives a library step its library's plan.
    if (plan.rehearse || plan.success) choice.practice_plan = plan;
    if (verdict && verdict.choice === "embedded") choice.embedded_step_id = verdict.stepId;
    return choice;
  }

  /** After Save the page's copy of the teacher's step follows what was sent. */
  function saveVerdict(teacher) {
    if (!teacher.current_step) return;
    if (keepsPractising()) teacher.current_step.visits += 1;
    else teacher.current_step = null; // a new step: its id comes with the page, next time online
  }

  form.addEventListener("capture:teacher", (event) => showCurrentStep(event.detail));
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-verdict]");
    if (button) chooseVerdict(button.dataset.verdict);
  });

  Object.assign(capture, { saveVerdict, stepChoice, keepsPractising });
})();
