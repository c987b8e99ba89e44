/* Limits (text lengths, photos per visit, photo bytes) are defined once on the server and
   handed to every page as <body data-limits='{…}'>: window.Dropin.limits. */
(function () {
  "use strict";
  // What the server enforces today, for a page that does not carry data-limits yet.
  const FALLBACK = {
    notes: 10000, action_step: 280, reflection: 2000, class_name: 80, subject: 80,
    caption: 200, photos_per_visit: 20, photo_bytes: 15 * 1024 * 1024,
  };

  function fromPage() {
    try {
      return JSON.parse(document.body.dataset.limits || "{}");
    } catch (malformed) {
      return {};
    }
  }

  window.Dropin = window.Dropin || {};
  window.Dropin.limits = Object.assign({}, FALLBACK, fromPage());
})();
