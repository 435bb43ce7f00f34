// refwatch web app: behaviour shared by the signed-in pages. No inline scripts (the CSP forbids them).
(function () {
  'use strict';
  // Confirm destructive review actions.
  document.addEventListener('click', function (event) {
    var button = event.target.closest('button[value="reject"], button[value="reject_claim"]');
    if (button && !window.confirm('Reject? This is recorded as a decision.')) {
      event.preventDefault();
    }
  });
})();
