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

  // Forms marked data-keep-when-offline lose nothing typed when the connection is gone:
  // offline, the form is not sent at all (the listener runs before htmx's and the
  // browser's); a send that fails leaves the page as it was. Either way the form says so.
  function tellNothingSent(form, message) {
    var note = form.querySelector("[data-offline-note]");
    if (!note) {
      note = document.createElement("p");
      note.className = "error";
      note.setAttribute("role", "alert");
      note.setAttribute("data-offline-note", "");
      form.appendChild(note);
    }
    note.textContent = message;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-keep-when-offline]");
    if (!form || navigator.onLine) return;
    event.preventDefault();
    event.stopPropagation();
    tellNothingSent(form, "You are offline: nothing was sent, and what you wrote is still " +
      "here. Save again when you are connected.");
  }, true);
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest("form[data-keep-when-offline]");
    if (form) tellNothingSent(form, "The connection dropped: nothing was saved, and what " +
      "you wrote is still here. Save again when you are connected.");
  });

  // htmx "settles" an element's style attribute by writing style="", which the CSP
  // (style-src 'self') refuses, e.g. after a textarea was resized. Settle all but style.
  if (window.htmx) window.htmx.config.attributesToSettle = ["class", "width", "height"];
})();
