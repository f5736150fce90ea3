// Drag to rank, for the priorities survey: dragging a topic above or below
// another reorders the list and numbers every topic by its place, in the
// same number inputs the form sends. Without JavaScript (or without a
// pointer) the numbers are typed; nothing else changes.
document.querySelectorAll('form.survey [data-rank-list]').forEach(function (list) {
  var rows = function () { return Array.prototype.slice.call(list.querySelectorAll('.candidate')); };
  var dragged = null;
  var hint = list.querySelector('[data-drag-hint]');
  // Dragging needs a mouse or the like: touch screens keep the numbers.
  if (hint && !window.matchMedia('(pointer: coarse)').matches) hint.hidden = false;
  var renumber = function () {
    rows().forEach(function (row, i) { row.querySelector('input.rank').value = String(i + 1); });
  };
  // The list in the order of the numbers already given (a ranking sent
  // before, or typed), topics without a number after, as they were.
  var rank = function (row) {
    var n = parseInt(row.querySelector('input.rank').value, 10);
    return isNaN(n) ? Infinity : n;
  };
  var sort = function () {
    rows().map(function (row, i) { return {row: row, i: i}; })
      .sort(function (a, b) { return rank(a.row) - rank(b.row) || a.i - b.i; })
      .forEach(function (x) { list.appendChild(x.row); });
  };
  sort();
  rows().forEach(function (row) {
    row.draggable = true;
    row.addEventListener('dragstart', function (e) {
      dragged = row;
      row.classList.add('dragging');
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', row.querySelector('label').textContent);
    });
    row.addEventListener('dragend', function () {
      row.classList.remove('dragging');
      dragged = null;
    });
    row.addEventListener('dragover', function (e) {
      if (dragged && dragged !== row) e.preventDefault();
    });
    row.addEventListener('drop', function (e) {
      if (!dragged || dragged === row) return;
      e.preventDefault();
      var box = row.getBoundingClientRect(), after = e.clientY > box.top + box.height / 2;
      sort();
      list.insertBefore(dragged, after ? row.nextSibling : row);
      renumber();
    });
  });
});
