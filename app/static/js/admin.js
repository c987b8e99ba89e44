// Admin pages: an invalid form answers 422 with its fragment re-rendered with the field
// errors; htmx would not swap a 4xx by default, so let it (and move focus to the error).
(function () {
  "use strict";
  // htmx "settles" the style attribute of an element swapped in with the same id by
  // setting style="" as an attribute, which the CSP (style-src 'self') refuses: a resized
  // textarea then logged an error on every submit. Settle everything but style.
  if (window.htmx) {
    window.htmx.config.attributesToSettle = ["class", "width", "height"];
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.querySelector) return;
    var first = target.querySelector("[aria-invalid=true], .alert[role=alert], [data-focus]");
    if (first) {
      if (!first.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(first.tagName)) {
        first.setAttribute("tabindex", "-1");
      }
      first.focus();
    }
  });

  // "Copy link" next to a one-time sign-in link: copy it, or select it to copy by hand.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) return;
    var box = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!box) return;
    function say(text) { if (status) status.textContent = text; }
    function selectIt() { box.focus(); box.select(); say("Press Ctrl+C (or Cmd+C) to copy."); }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(box.value).then(function () { say("Copied."); }, selectIt);
    } else {
      selectIt();
    }
  });
})();
