/* The teacher's step without a connection.
   - Reading: the page itself is kept by the service worker in this person's own cache
     ("dropin-user-<id>"); here we add the current step's photos to that cache, and drop
     photos of earlier steps from it.
   - Writing: an acknowledgement, a status or a reflection made offline goes into the
     outbox (outbox.js, the one captures use) as a "step-update"; the sync loop sends it as
     PATCH /api/v1/visits/<id>/action-step when the tablet is back online. The server keeps
     the first acknowledgement time, so a change sent twice still counts once. */
(function () {
  "use strict";
  const USER_CACHE_PREFIX = "dropin-user-";
  const LATER = "Saved on this tablet. It reaches your coach when you are back online.";

  function signedInUser() {
    const meta = document.querySelector('meta[name="dropin-user"]');
    return meta ? meta.content : "";
  }

  // Reading offline -------------------------------------------------------------------

  function photoUrls() {
    return Array.from(document.querySelectorAll("[data-offline-photo]"), (element) =>
      new URL(element.getAttribute(element.tagName === "IMG" ? "src" : "href"), location.href).href);
  }

  async function keepPhotosForOffline() {
    const userId = signedInUser();
    if (!userId || !window.caches || !navigator.onLine) return;
    const wanted = new Set(photoUrls());
    const cache = await caches.open(USER_CACHE_PREFIX + userId);
    for (const request of await cache.keys()) {
      const isPhoto = new URL(request.url).pathname.startsWith("/photos/");
      if (isPhoto && !wanted.has(request.url)) await cache.delete(request);
    }
    for (const url of wanted) {
      if (await cache.match(url, { ignoreVary: true })) continue;
      const response = await fetch(url, { credentials: "same-origin" });
      const isImage = (response.headers.get("Content-Type") || "").startsWith("image/");
      if (response.ok && !response.redirected && isImage) await cache.put(url, response);
    }
  }

  /** After a change online, the copy kept for offline reading must show it too. */
  async function refreshKeptPage(event) {
    const userId = signedInUser();
    if (!userId || !window.caches || !event.detail.successful) return;
    if (!event.detail.elt.closest("[data-step-fragment]")) return;
    await (await caches.open(USER_CACHE_PREFIX + userId)).add(location.href);
  }

  function showConnection() {
    const note = document.querySelector("[data-offline-note]");
    if (note) note.hidden = navigator.onLine;
  }

  // Writing offline -------------------------------------------------------------------

  /** The change a step form asks for, in the API's words. */
  function changeFrom(form, formData) {
    switch (form.dataset.stepUpdate) {
      case "acknowledge": return { acknowledged: true };
      case "status": return { status: formData.get("status") };
      case "reflection": return { reflection: formData.get("reflection") };
      default: return null;
    }
  }

  async function keepForLater(form, change) {
    const visitId = form.closest("[data-visit-id]").dataset.visitId;
    await window.Dropin.outbox.add({
      kind: "step-update",
      label: "Your action step: " + Object.keys(change).join(", "),
      payload: { visit_id: visitId, changes: change },
    });
    showWaiting(form.closest("[data-visit-id]"), change, true);
  }

  /** Show a change that waits in the outbox as if made, and say that it waits. */
  function showWaiting(fragment, change, moveFocus) {
    if (change.acknowledged) {
      const form = fragment.querySelector("[data-step-update=acknowledge]");
      if (form) {
        const done = document.createElement("p");
        done.className = "acknowledged";
        done.textContent = "✓ You acknowledged this.";
        form.replaceWith(done);
      }
    }
    if (change.status) {
      fragment.querySelectorAll(".status-track li").forEach((item) => {
        if (item.dataset.status === change.status) item.setAttribute("aria-current", "step");
        else item.removeAttribute("aria-current");
      });
    }
    const field = fragment.querySelector("textarea[name=reflection]");
    if (field && typeof change.reflection === "string") field.value = change.reflection;
    const message = fragment.querySelector("[role=status]");
    if (message) {
      message.textContent = LATER;
      if (moveFocus) message.focus();
    }
  }

  function interceptWhenOffline(event) {
    const form = event.detail.elt.closest("form[data-step-update]");
    if (!form || navigator.onLine || !window.Dropin || !window.Dropin.outbox) return;
    event.preventDefault();
    keepForLater(form, changeFrom(form, event.detail.formData));
  }

  /** The connection dropped while sending: keep the change rather than lose it. */
  function keepWhenSendFails(event) {
    const form = event.detail.elt.closest("form[data-step-update]");
    if (!form || !window.Dropin || !window.Dropin.outbox) return;
    keepForLater(form, changeFrom(form, event.detail.requestConfig.formData));
  }

  /** After a reload, changes still waiting in the outbox are shown as waiting. */
  async function showChangesStillWaiting() {
    if (!window.Dropin || !window.Dropin.outbox) return;
    const userId = signedInUser();
    for (const item of await window.Dropin.outbox.list()) {
      if (item.kind !== "step-update" || item.userId !== userId) continue;
      document.querySelectorAll('[data-visit-id="' + item.payload.visit_id + '"]')
        .forEach((fragment) => showWaiting(fragment, item.payload.changes, false));
    }
  }

  document.addEventListener("htmx:configRequest", interceptWhenOffline);
  document.addEventListener("htmx:sendError", keepWhenSendFails);
  document.addEventListener("htmx:afterRequest", (event) => refreshKeptPage(event).catch(() => {}));
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  document.addEventListener("DOMContentLoaded", () => {
    showConnection();
    showChangesStillWaiting();
    keepPhotosForOffline().catch(() => {}); // reading offline is a bonus, never an error
  });
})();
