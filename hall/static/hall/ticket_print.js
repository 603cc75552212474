// The printed ticket prints itself once loaded (the site's CSP allows no inline script).
window.addEventListener("load", function () { window.print(); });
