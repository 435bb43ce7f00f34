// The public bulletin's timeline: people returned per month (best estimate and low), with the
// number of incidents as points. Data comes from the element's data-* attributes (the CSP allows
// no inline script); uPlot (vendored) draws it. Without JavaScript the per-year table remains.
(function () {
  'use strict';

  function numbers(el, name) {
    var raw = el.getAttribute('data-' + name) || '';
    return raw === '' ? [] : raw.split(',').map(Number);
  }

  function draw() {
    var el = document.getElementById('public-timeline');
    if (!el || typeof uPlot === 'undefined') {
      return;
    }
    var x = numbers(el, 'x');
    if (x.length === 0) {
      el.textContent = 'No dated incident has been reviewed yet.';
      return;
    }
    var best = numbers(el, 'best');
    var low = numbers(el, 'low');
    // Months without an incident get no point.
    var occasions = numbers(el, 'occasions').map(function (n) { return n === 0 ? null : n; });
    var width = Math.max(320, Math.min(el.clientWidth || 960, 1100));
    var options = {
      width: width,
      height: 280,
      scales: { x: { time: true }, n: { auto: true } },
      series: [
        {},
        { label: 'People (best estimate)', stroke: '#b3261e', width: 2, fill: 'rgba(179,38,30,0.12)', paths: uPlot.paths.stepped({ align: 1 }) },
        { label: 'People (low)', stroke: '#7a4b00', width: 1, dash: [4, 4], paths: uPlot.paths.stepped({ align: 1 }) },
        { label: 'Incidents', stroke: '#1d4e89', scale: 'n', width: 0, points: { show: true, size: 7, fill: '#1d4e89' } }
      ],
      axes: [
        {},
        { label: 'people' },
        { scale: 'n', side: 1, label: 'incidents', grid: { show: false } }
      ]
    };
    el.textContent = '';
    el.setAttribute('data-rendered', 'uplot');
    // eslint-disable-next-line no-new
    new uPlot(options, [x, best, low, occasions], el);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
})();
