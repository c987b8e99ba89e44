/* On every signed-in page: the sync indicator ("3 drop-ins waiting to sync", "All synced",
   "1 needs attention"), the sync loop, and a guard so signing out never hides unsynced
   captures. */
(function () {
  "use strict";
  const outbox = window.Dropin.outbox;

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  /** One short sentence about the outbox, and a state for its colour. */
  function describe(items) {
    const count = (state) => items.filter((item) => item.state === state).length;
    const waiting = count("pending") + count("sending");
    const attention = count("needs-attention");
    const signIn = count("needs-sign-in");
    const parts = [];
    if (attention) parts.push(plural(attention, "needs attention", "need attention"));
    if (signIn) parts.push(plural(signIn, "waits for sign-in", "wait for sign-in"));
    if (waiting) parts.push(plural(waiting, "drop-in waiting to sync", "drop-ins waiting to sync"));
    const state = attention || signIn ? "attention" : waiting ? "waiting" : "synced";
    return { text: parts.length ? parts.join(" · ") : "All synced", state: state };
  }

  async function refreshIndicator() {
    const box = document.querySelector("[data-sync-status]");
    if (!box) return;
    const summary = describe(await outbox.list());
    const text = box.querySelector("[data-sync-status-text]");
    if (text.textContent !== summary.text) text.textContent = summary.text;
    box.dataset.state = summary.state;
  }

  function guardSignOut() {
    const form = document.querySelector("form[data-signout]");
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      if (form.dataset.confirmed) return;
      event.preventDefault();
      const unsynced = (await outbox.list()).length;
      if (!unsynced || (await confirmSignOut(unsynced))) {
        await forgetSignedInPages();
        form.dataset.confirmed = "yes";
        form.requestSubmit();
      }
    });
  }

  /** A dialog, not window.confirm: readable, and the captures are never deleted. */
  function confirmSignOut(unsynced) {
    const dialog = document.createElement("dialog");
    dialog.className = "signout-dialog";
    dialog.setAttribute("aria-labelledby", "signout-title");
    dialog.innerHTML =
      '<h2 id="signout-title"></h2><p></p>' +
      '<div class="dialog-actions"><button type="button" class="button primary" value="stay">Stay signed in</button>' +
      '<button type="button" class="button danger" value="leave">Sign out anyway</button></div>' +
      '<p><a></a></p>';
    dialog.querySelector("h2").textContent =
      plural(unsynced, "capture has", "captures have") + " not synced yet";
    dialog.querySelector("p").textContent =
      "They stay on this phone and are sent when you sign in again. Nothing is deleted.";
    const link = dialog.querySelector("a");
    link.href = document.querySelector("[data-sync-status-text]").getAttribute("href");
    link.textContent = "See what is waiting";
    document.body.append(dialog);
    dialog.showModal();
    return new Promise((resolve) => {
      dialog.addEventListener("click", (event) => {
        const choice = event.target.closest("button");
        if (choice) dialog.close(choice.value);
      });
      dialog.addEventListener("close", () => {
        resolve(dialog.returnValue === "leave");
        dialog.remove();
      });
    });
  }

  /** Pages kept for offline use hold this person's teachers: not for the next person.
      (The service worker also forgets them when it sees a signed-out page.) */
  async function forgetSignedInPages() {
    if (!window.caches) return;
    const names = await caches.keys().catch(() => []);
    const personal = names.filter((name) => name.startsWith("dropin-user-") || name === "dropin-device");
    await Promise.all(personal.map((name) => caches.delete(name).catch(() => {})));
  }

  document.addEventListener("DOMContentLoaded", () => {
    outbox.onChange(refreshIndicator);
    refreshIndicator();
    guardSignOut();
    window.Dropin.sync.start();
  });
  window.Dropin.describeOutbox = describe;
})();
