// Review queue keyboard shortcuts: j/k next/previous item, a accept, r reject.
(function () {
  'use strict';
  var items = Array.prototype.slice.call(document.querySelectorAll('.review-item'));
  if (!items.length) { return; }
  var current = 0;
  function select(idx) {
    if (idx < 0 || idx >= items.length) { return; }
    items[current].classList.remove('selected');
    current = idx;
    items[current].classList.add('selected');
    items[current].focus();
    items[current].scrollIntoView({ block: 'start' });
  }
  items[0].classList.add('selected');
  document.addEventListener('keydown', function (event) {
    var tag = (event.target.tagName || '').toLowerCase();
    if (tag === 'input' || tag === 'select' || tag === 'textarea' || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var button = null;
    if (event.key === 'j') { select(current + 1); }
    else if (event.key === 'k') { select(current - 1); }
    else if (event.key === 'a') { button = items[current].querySelector('button[data-action="accept"]'); }
    else if (event.key === 'r') { button = items[current].querySelector('button[data-action="reject"]'); }
    else { return; }
    event.preventDefault();
    if (button) { button.click(); }
  });
})();
