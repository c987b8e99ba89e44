/* A photo tapped in a visit opens inside the app: a viewer with its caption and a Back
   button (the phone's back gesture closes it too). A bare image outside the app would
   leave an installed app on iOS with no way back. */
(function () {
  "use strict";

  function captionOf(link) {
    const item = link.closest("li");
    const caption = item && item.querySelector("p");
    return caption ? caption.textContent.trim() : "";
  }

  function viewer(link) {
    const dialog = document.createElement("dialog");
    dialog.className = "photo-viewer";
    dialog.setAttribute("aria-labelledby", "photo-viewer-caption");
    const back = document.createElement("button");
    back.type = "button";
    back.className = "button primary";
    back.textContent = "Back";
    const img = document.createElement("img");
    img.src = link.href;
    img.alt = link.querySelector("img") ? link.querySelector("img").alt : "Photo of pupils' work";
    const caption = document.createElement("p");
    caption.id = "photo-viewer-caption";
    caption.textContent = captionOf(link) || "Photo of pupils' work";
    dialog.append(back, img, caption);
    back.addEventListener("click", () => dialog.close());
    return dialog;
  }

  function open(link) {
    const dialog = viewer(link);
    document.body.append(dialog);
    dialog.showModal();
    history.pushState({ photoViewer: true }, "");
    const closeOnBack = () => dialog.close();
    window.addEventListener("popstate", closeOnBack);
    dialog.addEventListener("close", () => {
      window.removeEventListener("popstate", closeOnBack);
      if (history.state && history.state.photoViewer) history.back(); // closed by a tap
      dialog.remove();
      link.focus();
    });
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest('.photo-grid a[href^="/photos/"]');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    open(link);
  });
})();
