/* Photos of pupils' work on the capture page: shrunk on the device before they are kept
   (long edge at most 1600 px), and listed with a caption field and a remove button each. */
(function () {
  "use strict";
  const MAX_EDGE = 1600;
  const KEPT_TYPES = ["image/jpeg", "image/png", "image/webp"];

  const HEIF_BRANDS = ["heic", "heix", "mif1", "msf1", "hevc"];

  /** True when the file starts like a JPEG, PNG, WebP or HEIC/HEIF picture, whatever its
      name says: anything else would only be refused by the server after syncing. */
  async function isPicture(file) {
    const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
    const ascii = (from, to) => String.fromCharCode(...head.slice(from, to));
    const startsWith = (bytes) => bytes.every((byte, index) => head[index] === byte);
    return startsWith([0xff, 0xd8, 0xff])
      || startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
      || (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP")
      || (ascii(4, 8) === "ftyp" && HEIF_BRANDS.includes(ascii(8, 12)));
  }

  /** { type, bytes: ArrayBuffer } ready for the outbox. */
  async function downscaled(file) {
    const original = { type: file.type || "application/octet-stream", bytes: await file.arrayBuffer() };
    let bitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (cannotDecode) {
      return original; // e.g. HEIC on Chromium: the server converts it
    }
    const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && KEPT_TYPES.includes(original.type)) {
      bitmap.close();
      return original; // small enough: no second lossy encoding
    }
    const width = Math.round(bitmap.width * scale);
    const height = Math.round(bitmap.height * scale);
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    return { type: "image/jpeg", bytes: await blob.arrayBuffer() };
  }

  /** Show `photos` ([{ id, type, bytes, caption }]) in `list`, numbered from 1. */
  function render(list, photos) {
    for (const img of list.querySelectorAll("img")) URL.revokeObjectURL(img.src);
    const items = photos.map((photo, index) => {
      const number = index + 1;
      const li = document.createElement("li");
      li.className = "photo-item";
      const img = document.createElement("img");
      img.src = URL.createObjectURL(new Blob([photo.bytes], { type: photo.type }));
      img.alt = "Photo " + number;
      const field = document.createElement("div");
      field.className = "field";
      const label = document.createElement("label");
      label.htmlFor = "caption-" + photo.id;
      label.textContent = "Caption for photo " + number;
      const input = document.createElement("input");
      input.type = "text";
      input.id = "caption-" + photo.id;
      input.maxLength = window.Dropin.limits.caption;
      input.value = photo.caption;
      input.dataset.caption = photo.id;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button danger";
      remove.textContent = "Remove photo " + number;
      remove.dataset.removePhoto = photo.id;
      field.append(label, input);
      li.append(img, field, remove);
      return li;
    });
    list.replaceChildren(...items);
  }

  window.Dropin.photos = { isPicture, downscaled, render };
})();
