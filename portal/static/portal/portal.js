// The portal's only script (CSP: no inline script). In kiosk mode: the on-screen number pad for digit
// fields, and the sign-out after inactivity (the server signs out too; this just leaves the screen).
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  if (idle > 0) {
    var timer;
    var reset = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var button = document.querySelector("[data-testid=signout]");
        if (button && button.form) {   // signed out for a time without use: the sign-in page says so
          var idleFlag = document.createElement("input");
          idleFlag.type = "hidden"; idleFlag.name = "idle"; idleFlag.value = "1";
          button.form.appendChild(idleFlag);
          button.form.submit();
        } else { window.location = body.getAttribute("data-idle-url"); }
      }, idle * 1000);
    };
    ["click", "keydown", "touchstart", "input"].forEach(function (e) { document.addEventListener(e, reset, true); });
    reset();
  }
  var pad = document.querySelector(".p-numpad");
  if (!pad) { return; }
  var target = null;
  document.querySelectorAll("input[data-numpad]").forEach(function (input) {
    input.setAttribute("readonly", "readonly");   // no system keyboard on the terminal
    input.addEventListener("focus", function () { target = input; pad.hidden = false; });
    input.addEventListener("click", function () { target = input; pad.hidden = false; });
  });
  pad.addEventListener("click", function (ev) {
    var key = ev.target.getAttribute("data-key");
    if (!key || !target) { return; }
    if (key === "back") { target.value = target.value.slice(0, -1); }
    else if (key === "done") { pad.hidden = true; }
    else if (!target.maxLength || target.maxLength < 0 || target.value.length < target.maxLength) { target.value += key; }
  });
})();

// A form that undoes something asks first (data-confirm holds the question).
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
});

// The terminal prints the page it shows (the itemised bill): a button with data-print.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) { window.print(); }
});
