// The drawer close: the total of the counted notes and coins, shown as the rep types the pieces.
(function () {
  var form = document.querySelector('[data-testid="drawer-close-form"]'), out = document.getElementById("counted");
  if (!form || !out) return;
  function sum() {
    var fen = 0;
    form.querySelectorAll('input[name^="d_"]').forEach(function (el) {
      fen += Math.round(parseFloat(el.name.slice(2)) * 100) * (parseInt(el.value, 10) || 0);
    });
    out.textContent = "¥" + (fen / 100).toFixed(2);
  }
  form.addEventListener("input", sum);
  sum();
})();
