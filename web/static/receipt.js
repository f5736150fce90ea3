// Copy and print buttons for the receipt page; without JavaScript the
// code can be selected and the page printed from the browser's menu.
document.querySelectorAll('[data-copy]').forEach(function (b) {
  if (!navigator.clipboard) return;
  b.hidden = false;
  b.addEventListener('click', function () {
    var code = document.getElementById(b.dataset.copy).textContent.trim();
    navigator.clipboard.writeText(code).then(function () { b.setAttribute('aria-pressed', 'true'); });
  });
});
document.querySelectorAll('[data-print]').forEach(function (b) {
  b.hidden = false;
  b.addEventListener('click', function () { window.print(); });
});
