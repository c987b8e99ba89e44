/* Leaving a half-written drop-in: a link away (the tab bar, the header) asks first, and so
   does reloading or closing the page where the browser allows it. Nothing the coach wrote
   is dropped without their say. A saved drop-in starts the form afresh, and a capture
   opened to be fixed but left untouched is still in the outbox: neither asks. */
(function () {
  "use strict";
  const capture = window.Dropin.capture;
  const QUESTION = "This drop-in is not saved yet. Leave it and lose what you wrote?";
  let agreed = false;

  function unsaved() {
    return capture.changed && !agreed;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || link.target === "_blank" || link.hasAttribute("download") || !unsaved()) return;
    if (window.confirm(QUESTION)) agreed = true;
    else event.preventDefault();
  });

  window.addEventListener("beforeunload", (event) => {
    if (!unsaved()) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
