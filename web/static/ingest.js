// New article: check the size limit before sending, so a too-large paste or file never leaves
// the browser and the text stays where it is. The server answers the same way if it gets one.
(() => {
  "use strict";
  const banner = document.getElementById("size-error");

  function tooLarge(form) {
    const limit = Number(form.dataset.maxBytes || 0);
    if (!limit) return false;
    let bytes = 0;
    for (const field of form.querySelectorAll("textarea, input[type=text]")) {
      bytes += new Blob([field.value]).size;
    }
    for (const input of form.querySelectorAll("input[type=file]")) {
      for (const file of input.files || []) bytes += file.size;
    }
    return bytes > limit;
  }

  function refuse(form, event) {
    event.preventDefault();
    if (banner) {
      banner.textContent = form.dataset.msgTooLarge || "";
      banner.hidden = false;
      banner.scrollIntoView({ block: "center" });
    }
  }

  for (const form of document.querySelectorAll("form.size-checked")) {
    form.addEventListener("submit", (event) => {
      if (tooLarge(form)) refuse(form, event);
      else if (banner) banner.hidden = true;
    });
  }

  // The htmx structure preview sends the same text: the same check first.
  document.addEventListener("htmx:confirm", (event) => {
    const form = event.target.closest && event.target.closest("form.size-checked");
    if (form && tooLarge(form)) refuse(form, event);
  });
})();
