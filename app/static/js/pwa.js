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

  /** A new version may already be installing or waiting when the page gets here
      (the browser checks on navigation), or arrive later. */
  function watchForUpdates(registration) {
    const follow = (worker) => {
      if (!worker) return;
      const ready = () => worker.state === "installed" && navigator.serviceWorker.controller;
      if (ready()) {
        activateWhenIdle(worker);
        return;
      }
      worker.addEventListener("statechange", () => {
        if (ready()) activateWhenIdle(worker);
      });
    };
    follow(registration.waiting);
    follow(registration.installing);
    registration.addEventListener("updatefound", () => follow(registration.installing));
  }

  navigator.serviceWorker
    .register(meta.content, { scope: "/" })
    .then(watchForUpdates)
    .catch(() => {}); // the app works without it, only not offline

  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persisted().then((kept) => kept || navigator.storage.persist());
  }
})();
