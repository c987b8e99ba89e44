/* The list of captures on this device with their sync state: on the outbox page (with
   "Retry now", "Send again", "Fix") and, shorter, under the capture form. */
(function () {
  "use strict";
  const outbox = window.Dropin.outbox;
  const sync = window.Dropin.sync;
  const STATE_LABELS = {
    pending: "Waiting to sync",
    sending: "Sending…",
    "needs-attention": "Needs attention",
    "needs-sign-in": "Sign in to send",
    synced: "Synced",
  };

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function time(iso) {
    return new Date(iso).toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
  }

  function describeKind(entry) {
    if (entry.kind === "step-update") return "Update to a teacher's step";
    if (entry.kind === "comment") return "Comment on a step";
    if (entry.kind === "practice") return "Practice logged on a step";
    const photos = Array.isArray(entry.photos) ? entry.photos.length : entry.photos || 0;
    return "Drop-in · " + photos + (photos === 1 ? " photo" : " photos");
  }

  function actionsFor(item, list) {
    const actions = element("div", "item-actions");
    if (item.state === "needs-attention") {
      if (item.kind === "visit") {
        const fix = element("a", "button", "Fix");
        fix.href = list.dataset.editUrl + "?edit=" + encodeURIComponent(item.id);
        fix.setAttribute("aria-label", "Fix " + item.label);
        actions.append(fix);
      }
      const again = element("button", "button", "Send again");
      again.type = "button";
      again.dataset.sendAgain = item.id;
      const discard = element("button", "button danger", "Discard");
      discard.type = "button";
      discard.dataset.discard = item.id;
      actions.append(again, discard);
    } else if (item.state === "needs-sign-in") {
      const signIn = element("a", "button", "Sign in");
      signIn.href = list.dataset.signInUrl;
      actions.append(signIn);
    }
    return actions;
  }

  function card(entry, state, list) {
    const li = element("li", "card outbox-item");
    li.dataset.state = state;
    li.dataset.itemId = entry.id;
    li.append(element("strong", "", entry.label || describeKind(entry)));
    const when = state === "synced" ? "synced " + time(entry.sentAt) : "saved " + time(entry.createdAt);
    li.append(element("span", "muted", describeKind(entry) + " · " + when));
    li.append(element("span", "badge sync-" + state, STATE_LABELS[state]));
    if (state !== "synced" && entry.lastError) li.append(element("p", "item-reason", entry.lastError));
    if (state !== "synced" && list.hasAttribute("data-outbox-page")) li.append(actionsFor(entry, list));
    return li;
  }

  /** Another person's captures, counted but never described: no teacher, class or time. */
  function othersCard(count) {
    const text = count === 1
      ? "1 capture from another account waits on this phone. It is sent when that person signs in here again."
      : count + " captures from another account wait on this phone. They are sent when that person signs in here again.";
    const li = element("li", "card muted outbox-others", text);
    li.dataset.othersWaiting = String(count);
    return li;
  }

  async function render(list) {
    const limit = Number(list.dataset.outboxLimit) || Infinity;
    const everyone = await outbox.list();
    const waiting = everyone.filter(outbox.isMine);
    const sent = (await outbox.recentlySent()).filter(outbox.isMine);
    const cards = waiting.map((item) => card(item, item.state, list))
      .concat(sent.map((receipt) => card(receipt, "synced", list)))
      .slice(0, limit);
    if (everyone.length > waiting.length) cards.push(othersCard(everyone.length - waiting.length));
    if (!cards.length) cards.push(element("li", "card muted", "Nothing captured on this phone yet."));
    list.replaceChildren(...cards);
    if (list.hasAttribute("data-outbox-page")) showWhetherAnythingWaits(waiting.length > 0);
  }

  /** The outbox page's heading and "Retry now" only while something is waiting. */
  function showWhetherAnythingWaits(anything) {
    const heading = anything ? "Waiting to sync" : "Everything on this phone has synced";
    document.querySelector("[data-outbox-heading]").textContent = heading;
    document.title = document.title.replace(/^[^·]*·/, heading + " ·");
    document.querySelector("[data-retry-all]").hidden = !anything;
  }

  async function sendAgain(id) {
    await outbox.update(id, { state: "pending", nextAttemptAt: 0, lastError: "" });
    await sync.run({ force: true });
  }

  /** Only ever on the coach's explicit, confirmed choice. */
  async function discardItem(id) {
    const item = await outbox.get(id);
    const sure = await window.Dropin.confirmChoice({
      title: "Discard this capture?",
      text: (item.label || "This item") + " is deleted from this phone and never reaches the server.",
      no: "Keep it",
      yes: "Discard it",
    });
    if (sure) await outbox.discard(id);
  }

  async function retryAll(message) {
    for (const item of await outbox.listMine()) {
      if (item.state === "pending") await outbox.update(item.id, { nextAttemptAt: 0 });
    }
    message.textContent = "Trying now…";
    await sync.run({ force: true });
    message.textContent = window.Dropin.describeOutbox(await outbox.listMine()).text;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const list = document.querySelector("[data-outbox-list]");
    if (!list) return;
    outbox.onChange(() => render(list));
    render(list);
    list.addEventListener("click", (event) => {
      const again = event.target.closest("[data-send-again]");
      if (again) sendAgain(again.dataset.sendAgain);
      const discard = event.target.closest("[data-discard]");
      if (discard) discardItem(discard.dataset.discard);
    });
    const retry = document.querySelector("[data-retry-all]");
    if (retry) retry.addEventListener("click", () => retryAll(document.querySelector("[data-retry-message]")));
  });
  window.Dropin.outboxView = { render };
})();
