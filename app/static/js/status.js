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
    const count = (states, kind) => items.filter((item) =>
      states.includes(item.state) && (!kind || item.kind === kind)).length;
    const waiting = ["pending", "sending"];
    const waitingVisits = count(waiting, "visit");
    const waitingUpdates = count(waiting) - waitingVisits;
    const attention = count(["needs-attention"]);
    const signIn = count(["needs-sign-in"]);
    const parts = [];
    if (attention) parts.push(plural(attention, "needs attention", "need attention"));
    if (signIn) parts.push(plural(signIn, "waits for sign-in", "wait for sign-in"));
    if (waitingVisits) {
      parts.push(plural(waitingVisits, "drop-in waiting to sync", "drop-ins waiting to sync"));
    }
    if (waitingUpdates) {
      parts.push(plural(waitingUpdates, "change waiting to sync", "changes waiting to sync"));
    }
    const state = attention || signIn ? "attention" : count(waiting) ? "waiting" : "synced";
    if (navigator.onLine === false) {
      // "All synced" would be untrue news offline: say where captures go instead.
      const offline = parts.length ? parts : ["drop-ins and step changes wait on this device"];
      return { text: ["Offline"].concat(offline).join(" · "), state: state === "synced" ? "offline" : state };
    }
    return { text: parts.length ? parts.join(" · ") : "All synced", state: state };
  }

  async function refreshIndicator() {
    const box = document.querySelector("[data-sync-status]");
    if (!box) return;
    const summary = describe(await outbox.listMine());
    const text = box.querySelector("[data-sync-status-text]");
    if (text.textContent !== summary.text) text.textContent = summary.text;
    box.dataset.state = summary.state;
  }

  /** Offline, the page is as it was when it was made (the copy the device kept, or the
      page open when the connection went): say from when. */
  function showKeptCopy() {
    const note = document.querySelector("[data-kept-copy]");
    if (!note) return;
    const made = new Date(note.dataset.madeAt);
    note.textContent = "This page as it was at " + made.toLocaleString(document.documentElement.lang || [], {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    });
    note.hidden = navigator.onLine !== false || Number.isNaN(made.getTime());
  }

  /** Signing out always signs out, online or not: the person's kept pages go at once;
      a sign-out the server could not hear is sent as soon as it can be (signout.js). */
  function guardSignOut() {
    const form = document.querySelector("form[data-signout]");
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.dataset.busy) return;
      const unsynced = (await outbox.listMine()).length;
      if (unsynced && !(await confirmSignOut(unsynced))) return;
      form.dataset.busy = "yes";
      await forgetSignedInPages();
      if (!(await signOutOnServer(form))) {
        const user = document.querySelector('meta[name="dropin-user"]');
        await window.Dropin.signOut.remember(user ? user.content : "");
      }
      location.assign(form.dataset.signedOutUrl);
    });
  }

  /** True when the server ended the session (it answers with a redirect to sign-in). */
  async function signOutOnServer(form) {
    if (navigator.onLine === false) return false;
    try {
      const answer = await fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual",
        signal: AbortSignal.timeout(10000),
      });
      return answer.type === "opaqueredirect";
    } catch (unreachable) {
      return false;
    }
  }

  /** Ask before something the coach cannot undo: a dialog, not window.confirm (readable,
      styled, testable). Resolves true for `yes`. */
  function confirmChoice(question) {
    const dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-title");
    dialog.innerHTML =
      '<h2 id="confirm-title"></h2><p></p><div class="dialog-actions">' +
      '<button type="button" class="button primary" value="no"></button>' +
      '<button type="button" class="button danger" value="yes"></button></div>';
    dialog.querySelector("h2").textContent = question.title;
    dialog.querySelector("p").textContent = question.text;
    dialog.querySelector('[value="no"]').textContent = question.no;
    dialog.querySelector('[value="yes"]').textContent = question.yes;
    if (question.link) {
      const link = document.createElement("a");
      link.href = question.link.href;
      link.textContent = question.link.text;
      dialog.append(link);
    }
    document.body.append(dialog);
    dialog.showModal();
    return new Promise((resolve) => {
      dialog.addEventListener("click", (event) => {
        const choice = event.target.closest("button");
        if (choice) dialog.close(choice.value);
      });
      dialog.addEventListener("close", () => {
        resolve(dialog.returnValue === "yes");
        dialog.remove();
      });
    });
  }

  function confirmSignOut(unsynced) {
    return confirmChoice({
      title: plural(unsynced, "capture has", "captures have") + " not synced yet",
      text: "They stay on this phone and are sent when you sign in again. Nothing is deleted.",
      no: "Stay signed in",
      yes: "Sign out anyway",
      link: {
        href: document.querySelector("[data-sync-status-text]").getAttribute("href"),
        text: "See what is waiting",
      },
    });
  }

  /** Pages kept for offline use hold this person's teachers, and a half-written drop-in
      (capture/draft.js) their notes: not for the next person. (The service worker also
      forgets the pages when it sees a signed-out page.) */
  async function forgetSignedInPages() {
    try {
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith("dropin-draft-")) localStorage.removeItem(key);
      }
    } catch (noStorage) {
      // No storage here, so no draft either.
    }
    if (!window.caches) return;
    const names = await caches.keys().catch(() => []);
    const personal = names.filter((name) => name.startsWith("dropin-user-") || name === "dropin-device");
    await Promise.all(personal.map((name) => caches.delete(name).catch(() => {})));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const showConnection = () => {
      refreshIndicator();
      showKeptCopy();
    };
    outbox.onChange(refreshIndicator);
    window.addEventListener("online", showConnection);
    window.addEventListener("offline", showConnection);
    showConnection();
    guardSignOut();
    window.Dropin.sync.start();
  });
  window.Dropin.describeOutbox = describe;
  window.Dropin.confirmChoice = confirmChoice;
})();
