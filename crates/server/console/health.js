// Health: request rate, error rate and latency percentiles from GET /_partnerd/stats, drawn
// as small SVG line charts (no chart library: a polyline per series is all they need).

import { control } from './api.js';
import { $, h, fill, clockTime } from './dom.js';

const REFRESH_MS = 5000;
const H = 130;
const PAD = { left: 44, right: 8, top: 10, bottom: 22 };
let timer = null;

export function start() {
  $('#health-minutes').addEventListener('change', refresh);
}

export function show() {
  refresh();
  clearInterval(timer);
  timer = setInterval(refresh, REFRESH_MS);
}

export function hide() {
  clearInterval(timer);
  timer = null;
}

async function refresh() {
  try {
    const stats = await control('GET', `/stats?minutes=${$('#health-minutes').value}`);
    draw(stats);
    fill($('#health-updated'), `updated ${clockTime(Date.now())}`);
  } catch (err) {
    fill($('#health-updated'), `could not read the figures: ${err.message}`);
  }
}

function draw(stats) {
  const buckets = stats.buckets;
  const secs = stats.bucketSeconds;
  const lastMinute = buckets.slice(-Math.round(60 / secs));
  const lastMinuteRate = lastMinute.reduce((n, b) => n + b.requests, 0) / 60;
  const s = stats.summary;
  const ms = (v) => (v === null || v === undefined ? '—' : `${v} ms`);
  fill(
    $('#health-tiles'),
    tile('Requests / s, last minute', lastMinuteRate.toFixed(2)),
    tile(`Requests, last ${s.windowSeconds / 60} min`, String(s.requests)),
    tile('Error rate', `${(s.errorRate * 100).toFixed(1)} %`, `${s.errors4xx} 4xx · ${s.errors5xx} 5xx`),
    tile('p50', ms(s.p50Ms)),
    tile('p95', ms(s.p95Ms)),
    tile('p99', ms(s.p99Ms)),
  );
  const times = buckets.map((b) => b.start);
  chart($('#chart-rate'), times, [{ name: 'requests/s', cls: 's-rate', values: buckets.map((b) => b.requests / secs) }], (v) => v.toFixed(v < 1 ? 2 : v < 10 ? 1 : 0));
  const rate = (n, b) => (b.requests ? (100 * n) / b.requests : null);
  chart(
    $('#chart-errors'),
    times,
    [
      { name: '4xx %', cls: 's-4xx', values: buckets.map((b) => rate(b.errors4xx, b)) },
      { name: '5xx %', cls: 's-5xx', values: buckets.map((b) => rate(b.errors5xx, b)) },
    ],
    (v) => `${v.toFixed(0)}%`,
    100,
  );
  chart(
    $('#chart-latency'),
    times,
    [
      { name: 'p50', cls: 's-p50', values: buckets.map((b) => b.p50Ms) },
      { name: 'p95', cls: 's-p95', values: buckets.map((b) => b.p95Ms) },
      { name: 'p99', cls: 's-p99', values: buckets.map((b) => b.p99Ms) },
    ],
    (v) => v.toFixed(v < 1 ? 2 : v < 10 ? 1 : 0),
  );
}

function tile(label, value, note) {
  return h('div', { class: 'tile' }, h('div', { class: 'tile-label' }, label), h('div', { class: 'tile-value' }, value), note ? h('div', { class: 'muted' }, note) : null);
}

/** One chart: a line per series, gaps where a bucket had no requests, y from 0 to the largest value. */
function chart(host, times, series, format, fixedMax) {
  const all = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined);
  const max = fixedMax ?? niceMax(Math.max(0, ...all));
  // Drawn at the host's own width, so text is never stretched.
  const W = Math.max(320, Math.round(host.clientWidth || 640));
  const x = (i) => PAD.left + (i * (W - PAD.left - PAD.right)) / Math.max(1, times.length - 1);
  const y = (v) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const svg = h('svg:svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary(series, format) });
  for (const v of [0, max / 2, max]) {
    svg.append(h('svg:line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid-line' }));
    svg.append(h('svg:text', { x: PAD.left - 4, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, format(v)));
  }
  if (times.length) {
    svg.append(h('svg:text', { x: PAD.left, y: H - 6, class: 'axis' }, clockTime(times[0]).slice(0, 5)));
    svg.append(h('svg:text', { x: W - PAD.right, y: H - 6, class: 'axis', 'text-anchor': 'end' }, 'now'));
  }
  for (const s of series) {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(Math.min(v, max)).toFixed(1)}`;
      pen = true;
    });
    if (d) svg.append(h('svg:path', { d, class: `series ${s.cls}` }));
    // A bucket with no neighbours would be an invisible one-point line: mark it with a dot.
    const present = (i) => s.values[i] !== null && s.values[i] !== undefined;
    s.values.forEach((v, i) => {
      if (present(i) && !present(i - 1) && !present(i + 1)) {
        svg.append(h('svg:circle', { cx: x(i), cy: y(Math.min(v, max)), r: 2.5, class: `dot ${s.cls}` }));
      }
    });
  }
  const legend = h('ul', { class: 'legend' }, series.map((s) => h('li', {}, h('span', { class: `swatch ${s.cls}` }), s.name)));
  fill(host, svg, legend);
}

/** A round upper bound for the y axis (1, 2 or 5 times a power of ten). */
function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v);
}

/** What a screen reader hears for a chart: each series' latest value. */
function summary(series, format) {
  return series
    .map((s) => {
      const last = s.values.filter((v) => v !== null && v !== undefined).pop();
      return `${s.name}: ${last === undefined ? 'no data' : format(last)} latest`;
    })
    .join('; ');
}
