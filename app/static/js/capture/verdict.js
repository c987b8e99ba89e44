/* The teacher's current step and the one-tap verdict on it: embedded, keep practising
   (the same step carried forward) or change. Saved as its own outbox item. */
(function () {
  "use strict";
  const capture = window.Dropin.capture;
  const form = capture.form;
  const box = form.querySelector("[data-current-step]");
  const STATUS_WORDS = { new: "New", practising: "Practising", embedded: "Embedded" };

  /** The step a verdict is about: the teacher's live step, but never the step of the
      capture being fixed (it is this drop-in's own step, not the one before it). */
  function stepToJudge(teacher) {
    const step = teacher && teacher.current_step;
    return step && step.visit_id !== capture.visit.id ? step : null;
  }

  function showCurrentStep(teacher) {
    const visit = capture.visit;
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
    const visit = capture.visit;
    const teacher = capture.chosenTeacher();
    const step = stepToJudge(teacher);
    const again = visit.verdict && visit.verdict.choice === choice;
    visit.verdict = again ? null : { choice: choice, visitId: step.visit_id, teacher: String(teacher.id) };
    capture.touched();
    if (!again && choice === "practising" && !capture.stepInput.value) capture.writeStep(step.text); // carry the same step forward
    if (!again && choice === "change") capture.stepInput.focus();
    showCurrentStep(teacher);
  }

  /** Keep the verdict in the outbox beside the drop-in it was given in. */
  async function saveVerdict(teacher) {
    const verdict = capture.visit.verdict;
    if (!verdict || verdict.choice === "change") return;
    await window.Dropin.outbox.add({
      kind: "step-update",
      label: teacher.name + "'s step: " + STATUS_WORDS[verdict.choice].toLowerCase(),
      payload: { visit_id: verdict.visitId, changes: { status: verdict.choice } },
    });
    teacher.current_step.status = verdict.choice;
  }

  form.addEventListener("capture:teacher", (event) => showCurrentStep(event.detail));
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-verdict]");
    if (button) chooseVerdict(button.dataset.verdict);
  });

  capture.saveVerdict = saveVerdict;
})();
