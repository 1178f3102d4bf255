// Progressive enhancement only: every page works without this file.
document.addEventListener('submit', function (e) {
  var form = e.target;
  var msg = form.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener('click', function (e) {
  var b = e.target.closest('[data-print]');
  if (b) { e.preventDefault(); window.print(); }
});
// The navigation's section menus (details elements) close when another
// opens, on a click elsewhere and on Escape, as menus do.
document.addEventListener('click', function (e) {
  document.querySelectorAll('details.menu-group[open]').forEach(function (d) {
    if (!d.contains(e.target)) { d.removeAttribute('open'); }
  });
});
document.addEventListener('keydown', function (e) {
  if (e.key !== 'Escape') { return; }
  document.querySelectorAll('details.menu-group[open]').forEach(function (d) {
    d.removeAttribute('open');
    var s = d.querySelector('summary');
    if (s) { s.focus(); }
  });
});
