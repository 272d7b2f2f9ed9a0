/* Reprise report: draws every chart of REPORT.charts with ECharts and runs the log viewer. Offline, no network. */
(function () {
  'use strict';
  var REPORT = JSON.parse(document.getElementById('report-data').textContent);
  var PALETTE = REPORT.palette;
  var FAULT = 'rgba(214,39,40,0.14)';
  var GRID = { left: 80, right: 40, top: 50, bottom: 100 };

  function hexToRgb(h) { var v = parseInt(h.slice(1), 16); return [(v >> 16) & 255, (v >> 8) & 255, v & 255]; }

  function option(c) {
    var xs = [];
    c.series.forEach(function (s) { s.data.forEach(function (p) { if (p[1] !== null) xs.push(p[0]); }); });
    c.windows.forEach(function (w) { xs.push(w.from); xs.push(w.to); });
    c.marks.forEach(function (m) { xs.push(m.x); });
    var xmin = xs.length ? Math.min.apply(null, xs) : 0, xmax = xs.length ? Math.max.apply(null, xs) : 1;
    if (xmin > 0 && xmin < (xmax - xmin) * 0.1) xmin = 0;
    var series = c.series.map(function (s, i) {
      return {
        name: s.name, type: c.points ? 'scatter' : 'line', step: c.step ? 'end' : false, showSymbol: false,
        symbolSize: 9, data: s.data, connectNulls: false, color: PALETTE[(s.color >= 0 ? s.color : i) % PALETTE.length],
        lineStyle: { type: s.dashed ? 'dashed' : 'solid', width: 1.8 }, emphasis: { focus: 'series' }
      };
    });
    if (series.length === 0) {
      series.push({ name: 'no data', type: 'line', data: [], color: '#999' });
    }
    series[0].markArea = {
      silent: true, itemStyle: { color: FAULT },
      label: { show: true, position: 'insideTopLeft', color: '#d62728', fontSize: 11 },
      data: c.windows.map(function (w) { return [{ xAxis: w.from, name: w.label }, { xAxis: w.to }]; })
    };
    series[0].markLine = {
      silent: true, symbol: ['none', 'none'], animation: false,
      label: { show: true, position: 'insideEndTop', fontSize: 11, formatter: '{b}' },
      data: c.marks.map(function (m) {
        return { xAxis: m.x, name: m.label, lineStyle: { color: m.fault ? '#d62728' : '#555', type: 'dashed', width: 1.4 } };
      })
    };
    return {
      animation: false, backgroundColor: '#ffffff',
      title: { text: c.title, left: 'center', textStyle: { fontSize: 15 } },
      tooltip: { trigger: c.points ? 'item' : 'axis', confine: true },
      legend: { type: 'scroll', bottom: 0 },
      grid: GRID,
      toolbox: { right: 20, feature: { dataZoom: { yAxisIndex: 'none' }, restore: {}, saveAsImage: {} } },
      dataZoom: [{ type: 'inside' }, { type: 'slider', bottom: 30, height: 18 }],
      xAxis: { type: 'value', name: c.xLabel, nameLocation: 'middle', nameGap: 28, min: xmin, max: xmax,
        axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', name: c.yLabel, nameLocation: 'middle', nameGap: 55, minInterval: c.step ? 1 : 0 },
      series: series
    };
  }

  /* Counts pixels of the series' own colours on the chart's canvas: proof that the lines were drawn. */
  function seriesPixels(el, used) {
    var canvas = el.querySelector('canvas');
    if (!canvas) return 0;
    var ctx = canvas.getContext('2d');
    // only the plot area (the grid below), so legend icons do not count
    var r = canvas.width / el.clientWidth;
    var x0 = Math.round(GRID.left * r), y0 = Math.round(GRID.top * r);
    var w = Math.max(1, canvas.width - Math.round((GRID.left + GRID.right) * r));
    var h = Math.max(1, canvas.height - Math.round((GRID.top + GRID.bottom) * r));
    var img = ctx.getImageData(x0, y0, w, h).data;
    var colours = used.map(function (k) { return hexToRgb(PALETTE[k % PALETTE.length]); });
    var count = 0;
    for (var i = 0; i < img.length; i += 4) {
      for (var j = 0; j < colours.length; j++) {
        var c = colours[j];
        if (Math.abs(img[i] - c[0]) + Math.abs(img[i + 1] - c[1]) + Math.abs(img[i + 2] - c[2]) < 40) { count++; break; }
      }
    }
    return count;
  }

  function usedColours(c) {
    return c.series.map(function (s, i) { return s.color >= 0 ? s.color : i; });
  }

  var rendered = 0;
  REPORT.charts.forEach(function (c) {
    var el = document.getElementById('chart-' + c.id);
    if (!el || typeof echarts === 'undefined') return;
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.on('finished', function () {
      el.setAttribute('data-series-pixels', String(seriesPixels(el, usedColours(c))));
    });
    chart.setOption(option(c));
    var points = 0;
    c.series.forEach(function (s) { s.data.forEach(function (p) { if (p[1] !== null) points++; }); });
    el.setAttribute('data-series', String(c.series.length));
    el.setAttribute('data-points', String(points));
    el.setAttribute('data-series-pixels', String(seriesPixels(el, usedColours(c))));
    rendered++;
    window.addEventListener('resize', function () { chart.resize(); });
  });
  document.body.setAttribute('data-charts-rendered', String(rendered));

  /* Log viewer */
  var logs = REPORT.logs;
  if (logs && document.getElementById('log-table')) {
    var svc = document.getElementById('log-service'), ctr = document.getElementById('log-container');
    var txt = document.getElementById('log-text'), body = document.getElementById('log-body');
    var count = document.getElementById('log-count'), LIMIT = 1000;
    var services = {}, containers = {};
    logs.rows.forEach(function (r) { services[r[1]] = true; containers[r[1] + '.' + r[2]] = true; });
    Object.keys(services).sort().forEach(function (s) { svc.add(new Option(s, s)); });
    Object.keys(containers).sort().forEach(function (s) { ctr.add(new Option(s, s)); });
    function esc(s) { return String(s).replace(/[&<>"]/g, function (ch) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[ch]; }); }
    function draw() {
      var s = svc.value, c = ctr.value, t = txt.value.toLowerCase(), html = [], shown = 0, matched = 0;
      for (var i = 0; i < logs.rows.length; i++) {
        var r = logs.rows[i];
        if (s && r[1] !== s) continue;
        if (c && (r[1] + '.' + r[2]) !== c) continue;
        if (t && r[5].toLowerCase().indexOf(t) < 0) continue;
        matched++;
        if (shown < LIMIT) {
          shown++;
          html.push('<tr><td class="num">' + r[0].toFixed(3) + '</td><td>' + esc(r[1]) + '.' + esc(r[2]) + '</td><td>' +
            esc(r[3]) + '</td><td>' + esc(r[4]) + '</td><td class="line">' + esc(r[5]) + '</td></tr>');
        }
      }
      body.innerHTML = html.join('');
      count.textContent = matched + ' matching line(s)' + (matched > shown ? ', first ' + shown + ' shown' : '');
    }
    [svc, ctr].forEach(function (e) { e.addEventListener('change', draw); });
    txt.addEventListener('input', draw);
    draw();
  }
})();
