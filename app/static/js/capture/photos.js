/* Photos of this drop-in: shrunk on the device (js/photos.js), each captionable and
   removable. A photo belongs to the drop-in it was picked for: Save waits for every photo
   still being shrunk, and one that finishes later never joins another drop-in. */
(function () {
  "use strict";
  const capture = window.Dropin.capture;
  const form = capture.form;
  const photos = window.Dropin.photos;
  const picker = form.querySelector("[data-photos]");
  const preparingNote = form.querySelector("[data-photos-preparing]");
  const waiters = new Map(); // drop-in -> callbacks for when its photos are ready

  async function addPhotos(files) {
    const visit = capture.visit; // the drop-in these photos were picked for
    const refused = [];
    preparing(visit, files.length);
    for (const file of files) {
      try {
        if (!(await photos.isPicture(file))) {
          refused.push(file.name);
          continue;
        }
        const photo = await photos.downscaled(file);
        visit.photos.push({ id: crypto.randomUUID(), type: photo.type, bytes: photo.bytes, caption: "" });
      } finally {
        preparing(visit, -1);
      }
      if (visit === capture.visit) renderPhotos();
    }
    if (visit !== capture.visit) return;
    capture.showError("photos", refused.length ? refusedMessage(refused) : "");
    capture.touched();
  }

  function preparing(visit, change) {
    visit.preparing += change;
    if (visit === capture.visit) showPreparing();
    if (visit.preparing === 0) {
      for (const ready of waiters.get(visit) || []) ready();
      waiters.delete(visit);
    }
  }

  function showPreparing() {
    const count = capture.visit.preparing;
    preparingNote.hidden = count === 0;
    preparingNote.textContent = count === 1 ? "Preparing 1 photo…" : "Preparing " + count + " photos…";
  }

  /** Resolves once every photo picked for the current drop-in is in its list. */
  function photosReady() {
    const visit = capture.visit;
    if (visit.preparing === 0) return Promise.resolve();
    return new Promise((resolve) => waiters.set(visit, (waiters.get(visit) || []).concat(resolve)));
  }

  function refusedMessage(names) {
    const quoted = names.map((name) => "\u201c" + name + "\u201d").join(", ");
    return (names.length === 1 ? quoted + " is not a photo" : quoted + " are not photos") +
      ": choose a JPEG, PNG, WebP or HEIC picture.";
  }

  function renderPhotos() {
    photos.render(form.querySelector("[data-photo-list]"), capture.visit.photos);
    showPreparing();
  }

  function removePhoto(id) {
    capture.visit.photos = capture.visit.photos.filter((photo) => photo.id !== id);
    renderPhotos();
    picker.focus();
  }

  picker.addEventListener("change", async (event) => {
    const files = [...event.target.files];
    event.target.value = "";
    await addPhotos(files);
  });
  form.addEventListener("input", (event) => {
    const id = event.target.dataset.caption;
    if (id) capture.visit.photos.find((photo) => photo.id === id).caption = event.target.value;
  });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-remove-photo]");
    if (button) removePhoto(button.dataset.removePhoto);
  });

  Object.assign(capture, { renderPhotos, photosReady });
})();
