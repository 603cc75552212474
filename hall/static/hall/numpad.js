// The ticket machine's number pad: the kiosk has no keyboard.
document.querySelectorAll(".numpad button[data-key]").forEach(function (button) {
  button.addEventListener("click", function () {
    var input = document.getElementById("id_msisdn");
    var key = button.dataset.key;
    if (key === "⌫") { input.value = input.value.slice(0, -1); }
    else if (input.value.length < 11) { input.value += key; }
  });
});
