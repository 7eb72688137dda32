// A little plain JavaScript; every page works without it.
"use strict";
document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add-row]");
  if (add) {
    // Repeatable rows (e.g. signatures): clone the row template with the next index.
    const name = add.getAttribute("data-add-row");
    const box = add.closest("[data-rows]");
    const template = box.querySelector(`template[data-row-template="${name}"]`);
    const list = box.querySelector(".row-list");
    const index = list.querySelectorAll(":scope > .row-item").length;
    const html = template.innerHTML.replaceAll("__i__", String(index));
    list.insertAdjacentHTML("beforeend", html);
    return;
  }
  const print = event.target.closest("[data-print-frame]");
  if (print) {
    const frame = document.getElementById(print.getAttribute("data-print-frame"));
    if (frame && frame.contentWindow) {
      frame.contentWindow.focus();
      frame.contentWindow.print();
    }
    return;
  }
  const back = event.target.closest("[data-back]");
  if (back && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-autosubmit]");
  if (form) form.submit();
});
// A step form opened from a link (#step-…) scrolls into view.
if (location.hash.startsWith("#step-")) {
  const step = document.getElementById(location.hash.slice(1));
  if (step && step.tagName === "DETAILS") step.open = true;
}
