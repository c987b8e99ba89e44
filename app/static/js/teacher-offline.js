/* The teacher's step without a connection.
   - Reading: the service worker keeps this page and the current step's photos in this
     person's own cache ("dropin-user-<id>", see sw.js); photos of earlier steps leave it.
   - Writing: an acknowledgement, a status or a reflection made offline goes into the
     outbox (outbox.js, the one captures use) as a "step-update"; the sync loop sends it as
     PATCH /api/v1/visits/<id>/action-step when the tablet is back online. The server keeps
     the first acknowledgement time, so a change sent twice still counts once. */
(function () {
  "use strict";
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

  /** This page's own scripts and styles: the worker's precache is the capture page's. */
  function fileUrls() {
    const elements = document.querySelectorAll("script[src], link[rel=stylesheet]");
    return Array.from(elements, (element) => new URL(element.src || element.href, location.href))
      .filter((url) => url.origin === location.origin && url.pathname.startsWith("/static/"))
      .map((url) => url.href);
  }

  /** Ask the service worker to keep this page, its files and its photos for offline. */
  async function keepForOffline() {
    if (!("serviceWorker" in navigator) || !navigator.onLine) return;
    const registration = await navigator.serviceWorker.ready;
    registration.active.postMessage({
      type: "keep-for-offline", page: location.href.split("#")[0], photos: photoUrls(),
      files: fileUrls(),
    });
  }

  function showKept(event) {
    if (!event.data || event.data.type !== "kept-for-offline") return;
    const note = document.querySelector("[data-kept-note]");
    if (note) note.hidden = false;
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
    const isReflection = Boolean(fragment.querySelector("textarea[name=reflection]"));
    if (isReflection !== ("reflection" in change)) return; // the other fragment's change
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
  // After a change online, the copy kept for reading offline must show it too.
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) keepForOffline().catch(() => {});
  });
  if ("serviceWorker" in navigator) navigator.serviceWorker.addEventListener("message", showKept);
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  document.addEventListener("DOMContentLoaded", () => {
    showConnection();
    showChangesStillWaiting();
    keepForOffline().catch(() => {}); // reading offline is a bonus, never an error
  });
})();
