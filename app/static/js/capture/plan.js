/* The step's practice plan: what the teacher rehearses, and what success looks like.
   Choosing a library step brings its plan, which the coach may adjust here; a step
   written fresh may have one written for it. It travels inside the drop-in
   ("action_step": {…, "practice_plan": {"rehearse", "success"}}). */
(function () {
  "use strict";
  const capture = window.Dropin.capture;
  const form = capture.form;
  const library = capture.data.library;
  const box = form.querySelector("[data-plan-fields]");
  const rehearse = form.querySelector('[data-field="practice_rehearse"]');
  const success = form.querySelector('[data-field="practice_success"]');

  /** A library step's plan, or an empty one. */
  function libraryPlan(id) {
    const step = library.find((s) => s.id === Number(id));
    return { rehearse: step ? step.practice_rehearse || "" : "", success: step ? step.practice_success || "" : "" };
  }

  function summarise() {
    const written = rehearse.value.trim() || success.value.trim();
    form.querySelector("[data-plan-summary]").textContent = written ? "(written: tap to adjust)" : "(optional)";
  }

  /** Fill the plan (a library step's, a capture being fixed); open when there is one. */
  function writePlan(plan) {
    rehearse.value = (plan && plan.rehearse) || "";
    success.value = (plan && plan.success) || "";
    box.open = Boolean(rehearse.value || success.value);
    summarise();
  }

  function practicePlan() {
    return { rehearse: rehearse.value.trim(), success: success.value.trim() };
  }

  // A library step chosen: its plan fills the fields, open for the coach to adjust.
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-library-step]");
    if (!button) return;
    writePlan(libraryPlan(button.dataset.libraryStep));
  });
  form.addEventListener("input", (event) => {
    if (event.target === rehearse || event.target === success) summarise();
  });
  form.addEventListener("reset", () => setTimeout(() => { summarise(); box.open = false; }, 0));

  Object.assign(capture, { practicePlan, writePlan, libraryPlan });
})();
