/* Limits (text lengths, photos per visit, photo bytes) are defined once on the server
   (app/limits.py) and handed to every page as <body data-limits='{…}'>. */
(function () {
  "use strict";
  window.Dropin = window.Dropin || {};
  window.Dropin.limits = JSON.parse(document.body.dataset.limits);
})();
