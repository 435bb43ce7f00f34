// Dashboard timeline (uPlot) and map (d3-geo + topojson-client, world-atlas countries-110m).
// Data come from this origin's /api/ endpoints; nothing is fetched from anywhere else.
(function () {
  'use strict';
  function getJSON(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    });
  }
  function fail(el, err) {
    el.textContent = 'Cannot draw this chart: ' + err.message;
    el.classList.add('chart-error');
  }

  var timeline = document.getElementById('timeline');
  if (timeline && window.uPlot) {
    getJSON(timeline.dataset.src).then(function (s) {
      if (!s.x.length) { timeline.textContent = 'No dated incidents match.'; return; }
      var width = Math.max(320, timeline.clientWidth || 600);
      var opts = {
        width: width,
        height: 240,
        scales: { x: { time: true } },
        series: [
          {},
          { label: 'people', stroke: '#0b5cab', fill: 'rgba(11,92,171,0.12)', width: 2 },
          { label: 'incidents', stroke: '#a15c00', width: 1, points: { show: true, size: 6 }, scale: 'n' }
        ],
        axes: [{}, { label: 'people' }, { side: 1, scale: 'n', label: 'incidents', grid: { show: false } }]
      };
      new window.uPlot(opts, [s.x, s.people, s.incidents], timeline);
      timeline.dataset.rendered = 'true';
    }).catch(function (err) { fail(timeline, err); });
  }

  function drawWorld(el, world, extra) {
    var width = Math.max(320, el.clientWidth || 600);
    var height = Math.round(width * 0.5);
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('class', 'world');
    var countries = window.topojson.feature(world, world.objects.countries).features;
    var projection = window.d3.geoEqualEarth().fitSize([width, height], { type: 'Sphere' });
    var path = window.d3.geoPath(projection);
    var paths = countries.map(function (feature) {
      var p = document.createElementNS(ns, 'path');
      p.setAttribute('d', path(feature) || '');
      p.setAttribute('class', 'country');
      var title = document.createElementNS(ns, 'title');
      title.textContent = feature.properties.name;
      p.appendChild(title);
      svg.appendChild(p);
      return p;
    });
    extra(svg, countries, paths, projection, ns);
    el.textContent = '';
    el.appendChild(svg);
    el.dataset.rendered = 'true';
  }

  function point(svg, projection, ns, lon, lat, r, label) {
    var xy = projection([lon, lat]);
    if (!xy) { return; }
    var c = document.createElementNS(ns, 'circle');
    c.setAttribute('cx', xy[0]);
    c.setAttribute('cy', xy[1]);
    c.setAttribute('r', r);
    c.setAttribute('class', 'incident-point');
    var title = document.createElementNS(ns, 'title');
    title.textContent = label;
    c.appendChild(title);
    svg.appendChild(c);
  }

  var map = document.getElementById('map');
  if (map && window.d3 && window.topojson) {
    var world = getJSON(map.dataset.world);
    if (map.dataset.src) {
      Promise.all([world, getJSON(map.dataset.src)]).then(function (both) {
        var data = both[1];
        drawWorld(map, both[0], function (svg, countries, paths, projection, ns) {
          var max = data.countries.reduce(function (m, c) { return Math.max(m, c.people); }, 0) || 1;
          data.countries.forEach(function (c) {
            var idx = countries.findIndex(function (f) { return window.d3.geoContains(f, [c.lon, c.lat]); });
            if (idx < 0) { idx = countries.findIndex(function (f) { return f.properties.name === c.name; }); }
            if (idx < 0) { return; }
            var shade = 0.15 + 0.75 * Math.sqrt(c.people / max);
            // CSSOM, not a style attribute: the CSP allows no inline style attributes.
            paths[idx].style.fill = 'rgba(179,38,30,' + shade.toFixed(2) + ')';
            paths[idx].querySelector('title').textContent = c.name + ': ' + c.people + ' people, ' + c.incidents + ' incidents';
          });
          data.points.forEach(function (p) {
            point(svg, projection, ns, p.lon, p.lat, 2 + Math.min(8, Math.sqrt(p.people) / 3), p.label + ' · ' + p.people);
          });
        });
      }).catch(function (err) { fail(map, err); });
    } else if (map.dataset.lat) {
      world.then(function (w) {
        drawWorld(map, w, function (svg, countries, paths, projection, ns) {
          point(svg, projection, ns, parseFloat(map.dataset.lon), parseFloat(map.dataset.lat), 5, 'place');
        });
      }).catch(function (err) { fail(map, err); });
    }
  }
})();
