/* The service worker: register it, ask for persistent storage, and take a new version
   only when no capture is in progress (never a reload under the coach's thumb). */
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="dropin-service-worker"]');
  if (!meta || !("serviceWorker" in navigator)) return;

  function activateWhenIdle(worker) {
    const capture = window.Dropin.capture;
    if (capture && capture.inProgress()) {
      window.addEventListener("dropin:capture-idle", () => activateWhenIdle(worker), { once: true });
      return;
    }
    worker.postMessage({ type: "activate-update" });
  }

  function watchForUpdates(registration) {
    if (registration.waiting && navigator.serviceWorker.controller) {
      activateWhenIdle(registration.waiting);
    }
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      worker.addEventListener("statechange", () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) {
          activateWhenIdle(worker);
        }
      });
    });
  }

  navigator.serviceWorker
    .register(meta.content, { scope: "/" })
    .then(watchForUpdates)
    .catch(() => {}); // the app works without it, only not offline

  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persisted().then((kept) => kept || navigator.storage.persist());
  }
})();
