// Every page: htmx conventions shared by all features.
(function () {
  "use strict";
  // Every htmx request carries the CSRF token from the page's meta tag.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
  });

  // An invalid form answers 422 with its fragment re-rendered with the messages at the
  // fields: swap it in (htmx leaves 4xx answers unswapped by default).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // htmx "settles" an element's style attribute by writing style="", which the CSP
  // (style-src 'self') refuses, e.g. after a textarea was resized. Settle all but style.
  if (window.htmx) window.htmx.config.attributesToSettle = ["class", "width", "height"];
})();
