// Admin pages: after an invalid form comes back (422, swapped in by app.js), move focus to
// the first error; and the "Copy link" buttons beside one-time sign-in links.
(function () {
  "use strict";
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
