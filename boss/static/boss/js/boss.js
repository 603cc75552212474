// Counter behaviour shared by every screen: focus, keyboard selection of result lists, live change.
(function () {
  "use strict";

  function focusFirstField(root) {
    // After a refusal the cursor goes to the first faulty field (every error is shown at once); else a
    // field marked autofocus wins; else the first field of the page (a selector list would return
    // whichever comes first in the document, so ask for each on its own in turn).
    var scope = root || document;
    var faulty = "main .has-error input:not([type=hidden]), main .has-error select, main .has-error textarea";
    var wrong = scope.querySelector(faulty);
    if (wrong) { wrong.focus(); return; }     // over any autofocus the browser applied already
    var field = scope.querySelector("main [autofocus]") ||
      scope.querySelector("main form:not(.global-search) input:not([type=hidden]):not([disabled]), main select, main textarea");
    if (field && document.activeElement === document.body) { field.focus(); }
  }

  // Arrow keys move through a list marked data-keynav; Enter follows the selected link or presses the
  // selected button (the opening's number list: Enter takes the number).
  document.addEventListener("keydown", function (event) {
    var list = document.querySelector("[data-keynav]");
    if (!list || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) { return; }
    var links = Array.prototype.slice.call(list.querySelectorAll("a[data-hit], button[data-hit]"));
    if (!links.length) { return; }
    var index = links.indexOf(document.activeElement);
    index = event.key === "ArrowDown" ? Math.min(index + 1, links.length - 1) : Math.max(index - 1, 0);
    links[index].focus();
    event.preventDefault();
  });

  // 唱收唱付: inputs marked data-tendered compute the change against data-due live.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-tendered]")) { return; }
    var dueFrom = input.getAttribute("data-due-from");
    var dueSource = dueFrom ? document.querySelector(dueFrom) : null;
    var due = parseFloat((dueSource ? dueSource.value : input.getAttribute("data-due")) || "0");
    var out = document.getElementById(input.getAttribute("data-change-target"));
    var tendered = parseFloat(input.value || "0");
    if (!out) { return; }
    if (isNaN(tendered)) { out.textContent = ""; return; }
    // Short: say how much is still missing ("还差 ¥30.00", data-short on the output), not ¥0.00.
    var short = input.value !== "" && tendered < due;
    out.textContent = short ? (out.getAttribute("data-short") || "-") + " ¥" + (due - tendered).toFixed(2)
                            : "¥" + Math.max(tendered - due, 0).toFixed(2);
    out.classList.toggle("neg", short);
  });

  // A list that reloads itself (data-hold-while-editing) is not reloaded while someone is writing in one of its
  // forms (a field in use, a choice made, a text typed): the reload would wipe what they wrote. A listener, not
  // an hx-trigger condition: the CSP forbids the eval htmx needs for those.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var list = event.detail.elt;
    if (!list.matches || !list.matches("[data-hold-while-editing]")) { return; }
    var typed = Array.prototype.some.call(list.querySelectorAll("form input[type=text], form textarea"),
                                          function (field) { return field.value !== ""; });
    if (typed || list.querySelector("form:focus-within, form input[type=radio]:checked")) {
      event.preventDefault();
    }
  });

  // The live document check answers for the number now typed: once its answer is in, the refusal shown
  // for the number sent before goes (its field's error text and mark). After the answer, not before the
  // request: the request starts as the rep clicks elsewhere, and nothing may move under that click.
  document.addEventListener("htmx:afterSwap", function (event) {
    var el = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!el || el.getAttribute("hx-target") !== "#identity-check") { return; }
    var field = el.closest(".field");
    if (!field) { return; }
    field.classList.remove("has-error");
    Array.prototype.forEach.call(field.querySelectorAll(".errorlist"), function (e) {
      if (!e.closest("#identity-check")) { e.remove(); }
    });
  });

  document.addEventListener("DOMContentLoaded", function () { focusFirstField(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusFirstField(event.target); });
})();
