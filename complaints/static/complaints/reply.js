// Reply form: insert an answer template from the knowledge base at the cursor, and remember which one
// (the reply records it, which feeds the most-used list). Enter in the template search searches; it
// never submits the reply.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target && event.target.id === "template-search") {
      event.preventDefault();
      if (window.htmx) { window.htmx.trigger(event.target, "search"); }
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-insert-template]") : null;
    if (!button) { return; }
    var form = button.closest("form");
    var area = form && form.querySelector("textarea[name$='reply']");
    var hidden = form && form.querySelector("input[name$='template_article']");
    if (!area) { return; }
    var text = button.getAttribute("data-template-body") || "";
    var start = area.selectionStart || 0, end = area.selectionEnd || 0;
    area.value = area.value.slice(0, start) + text + area.value.slice(end);
    if (hidden) { hidden.value = button.getAttribute("data-insert-template"); }
    area.focus();
    area.selectionStart = area.selectionEnd = start + text.length;
    event.preventDefault();
  });
})();
