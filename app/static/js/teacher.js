// The teacher's step page: keep htmx's in-place updates usable with a keyboard and a
// screen reader, and show the field's message when the server refuses a reflection.
(function () {
  "use strict";

  // The button just pressed is gone after the swap: put focus on what changed, the first
  // field needing attention or else the fragment's status message.
  var swappedId = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var fragment = event.detail.elt.closest("[data-step-fragment]");
    swappedId = fragment ? fragment.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!swappedId) return;
    var fragment = document.getElementById(swappedId);
    swappedId = null;
    if (!fragment) return;
    var target = fragment.querySelector("[aria-invalid='true']") ||
      fragment.querySelector("[role='status']");
    if (target) target.focus();
  });

  // The reflection's counter, counted as the server counts (what is kept, trimmed).
  document.addEventListener("input", function (event) {
    if (!event.target.matches("[data-reflection]")) return;
    var limit = JSON.parse(document.body.dataset.limits).reflection;
    var length = event.target.value.trim().length;
    var counter = document.querySelector("[data-reflection-counter]");
    counter.textContent = length.toLocaleString("en-GB") + " of " + limit.toLocaleString("en-GB") + " characters" +
      (length > limit ? ": " + (length - limit).toLocaleString("en-GB") + " too many" : "");
    counter.classList.toggle("over", length > limit);
  });
})();
