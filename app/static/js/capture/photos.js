/* Photos of this drop-in: shrunk on the device (js/photos.js), each captionable and
   removable, kept with the visit when it is saved. */
(function () {
  "use strict";
  const capture = window.Dropin.capture;
  const form = capture.form;
  const photos = window.Dropin.photos;
  const picker = form.querySelector("[data-photos]");

  async function addPhotos(files) {
    const refused = [];
    for (const file of files) {
      if (!(await photos.isPicture(file))) {
        refused.push(file.name);
        continue;
      }
      const photo = await photos.downscaled(file);
      capture.visit.photos.push({ id: crypto.randomUUID(), type: photo.type, bytes: photo.bytes, caption: "" });
    }
    capture.showError("photos", refused.length ? refusedMessage(refused) : "");
    capture.touched();
    renderPhotos();
  }

  function refusedMessage(names) {
    const quoted = names.map((name) => "\u201c" + name + "\u201d").join(", ");
    return (names.length === 1 ? quoted + " is not a photo" : quoted + " are not photos") +
      ": choose a JPEG, PNG, WebP or HEIC picture.";
  }

  function renderPhotos() {
    photos.render(form.querySelector("[data-photo-list]"), capture.visit.photos);
  }

  function removePhoto(id) {
    capture.visit.photos = capture.visit.photos.filter((photo) => photo.id !== id);
    renderPhotos();
    picker.focus();
  }

  picker.addEventListener("change", async (event) => {
    await addPhotos([...event.target.files]);
    event.target.value = "";
  });
  form.addEventListener("input", (event) => {
    const id = event.target.dataset.caption;
    if (id) capture.visit.photos.find((photo) => photo.id === id).caption = event.target.value;
  });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-remove-photo]");
    if (button) removePhoto(button.dataset.removePhoto);
  });

  capture.renderPhotos = renderPhotos;
})();
