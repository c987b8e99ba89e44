/* The conversation on a step. A new comment goes into the device's outbox, the one write
   path on the coach's phone and the teacher's tablet alike, so it is kept offline and
   sent by the sync loop (PUT /api/v1/steps/<id>/comments/<uuid>, idempotent on the id
   made here). It shows at once as waiting, and as sent once the server has it. Without
   the outbox (no IndexedDB) the form simply posts. */
(function () {
  "use strict";
  const outbox = () => window.Dropin && window.Dropin.outbox;

  function signedInUser() {
    const meta = document.querySelector('meta[name="dropin-user"]');
    return meta ? meta.content : "";
  }

  function showComment(section, id, body) {
    const item = document.createElement("li");
    item.className = "comment mine";
    item.dataset.waitingComment = id;
    const meta = document.createElement("p");
    meta.className = "comment-meta";
    meta.textContent = "You · waiting to sync";
    const text = document.createElement("p");
    text.className = "comment-body";
    text.textContent = body;
    item.append(meta, text);
    section.querySelector("[data-comment-list]").append(item);
    const empty = section.querySelector("[data-no-comments]");
    if (empty) empty.hidden = true;
  }

  function problemWith(body) {
    const limit = JSON.parse(document.body.dataset.limits).comment;
    if (!body) return "Write a comment first.";
    if (body.length > limit) return "Shorten the comment to " + limit + " characters (" + (body.length - limit) + " too many).";
    return "";
  }

  async function keep(event) {
    const form = event.target.closest("[data-comment-form]");
    if (!form || !outbox()) return;
    event.preventDefault();
    const section = form.closest("[data-conversation]");
    const field = form.querySelector("[data-comment-body]");
    const error = form.querySelector("[data-comment-error]");
    const body = field.value.trim();
    const problem = problemWith(body);
    error.textContent = problem;
    error.hidden = !problem;
    if (problem) form.closest("[data-conversation]").querySelector("[data-comment-status]").textContent = "";
    field.toggleAttribute("aria-invalid", Boolean(problem));
    if (problem) {
      field.focus();
      return;
    }
    const idField = form.querySelector("[data-comment-id]");
    const id = idField.value;
    await outbox().add({
      id: id,
      kind: "comment",
      label: "Comment on the step",
      payload: { step_id: Number(section.dataset.stepId), comment_id: id, body: body, created_at: new Date().toISOString() },
    });
    showComment(section, id, body);
    field.value = "";
    idField.value = crypto.randomUUID();
    section.querySelector("[data-comment-status]").textContent = navigator.onLine === false
      ? "Saved on this device: it is sent when you are back online."
      : "Saved on this device and being sent.";
  }

  /** A comment the server has confirmed has left the outbox: say so, and once none of a
      section's comments wait any more, its status line too. */
  async function markSent() {
    for (const item of document.querySelectorAll("[data-waiting-comment]")) {
      if (await outbox().get(item.dataset.waitingComment)) continue;
      item.removeAttribute("data-waiting-comment");
      item.querySelector(".comment-meta").textContent = "You · sent";
      const section = item.closest("[data-conversation]");
      if (!section.querySelector("[data-waiting-comment]")) {
        section.querySelector("[data-comment-status]").textContent = "Sent.";
      }
    }
  }

  /** After a reload, comments still in the outbox are shown as waiting. */
  async function showStillWaiting() {
    const user = signedInUser();
    for (const item of await outbox().list()) {
      if (item.kind !== "comment" || item.userId !== user) continue;
      const section = document.querySelector('[data-conversation][data-step-id="' + item.payload.step_id + '"]');
      if (section && !section.querySelector('[data-waiting-comment="' + item.id + '"]')) {
        showComment(section, item.id, item.payload.body);
      }
    }
  }

  document.addEventListener("submit", (event) => {
    keep(event).catch((failure) => {
      const form = event.target.closest("[data-comment-form]");
      const error = form && form.querySelector("[data-comment-error]");
      if (error) {
        error.textContent = "Not saved: " + (failure.message || failure) + " Try again.";
        error.hidden = false;
      }
    });
  });
  document.addEventListener("DOMContentLoaded", () => {
    if (!outbox() || !document.querySelector("[data-conversation]")) return;
    showStillWaiting().catch(() => {});
    outbox().onChange(() => markSent().catch(() => {}));
  });
})();
