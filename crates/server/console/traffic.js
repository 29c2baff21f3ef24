// Traffic: the request journal as a live list (its Server-Sent Events tail), filters, and a
// detail pane with headers, bodies, the paging chain and a copy-as-curl button.

import { control, openEvents, itemsOf, ApiError } from './api.js';
import { $, h, fill, toast, clockTime, headerPairs, pretty, copyText, confirmAction } from './dom.js';
import { chainOf, isListRequest, seekOf, itemCount, handedTokens, nextToken } from './chain.js';

/** The most rows kept in the page (the journal's default size). */
const MAX_ROWS = 1000;
/** Entries by id, summaries as listed or streamed. */
const entries = new Map();
/** Full entries (with bodies) fetched for the detail pane and the chain. */
const full = new Map();
let paused = false;
let selectedId = null;
const held = [];

export function start() {
  $('#traffic-filters').addEventListener('input', rerender);
  $('#traffic-filters').addEventListener('reset', () => setTimeout(rerender));
  $('#traffic-filters').addEventListener('submit', (e) => e.preventDefault());
  $('#traffic-pause').addEventListener('click', togglePause);
  $('#traffic-clear').addEventListener('click', clearJournal);
  $('#guidance-clear').addEventListener('click', clearGuidance);
  // A reset empties the server's journal: show the empty journal, not the old list.
  window.addEventListener('partnerd:reset', () => {
    entries.clear();
    full.clear();
    load().catch(() => rerender());
  });
  $('#traffic-rows').addEventListener('click', (e) => {
    const row = e.target.closest('tr[data-id]');
    if (row) open(row.dataset.id);
  });
  tail();
}

/**
 * Subscribes first (the stream's head arrives once the server follows the journal), then
 * loads the journal, so nothing made in between is missed; an entry that comes both ways is
 * shown once. Reconnects with a growing pause when the stream ends or fails.
 */
async function tail() {
  const live = $('#traffic-live');
  let delay = 500;
  for (;;) {
    const controller = new AbortController();
    try {
      const stream = await openEvents('/requests/stream', controller.signal);
      await load();
      delay = 500;
      fill(live, 'live').className = 'pill ok';
      await stream.follow((event) => {
        if (event.event === 'lagged') {
          // The server skipped entries for this follower: the journal has them.
          load().catch(() => {});
          return;
        }
        const entry = parse(event.data);
        if (entry) arrive(entry);
      });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        fill(live, 'no journal on this server').className = 'pill warn';
        return;
      }
    } finally {
      controller.abort();
    }
    fill(live, 'reconnecting…').className = 'pill warn';
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 10000);
  }
}

function parse(data) {
  try {
    const value = JSON.parse(data);
    return value && value.id !== undefined && value.method ? value : null;
  } catch {
    return null;
  }
}

async function load() {
  const answer = await control('GET', '/requests');
  for (const entry of itemsOf(answer).slice().reverse()) entries.set(String(entry.id), entry);
  rerender();
  refreshGuidance();
}

function arrive(entry) {
  if (guidanceOf(entry).length) refreshGuidance();
  if (paused) {
    held.push(entry);
    fill($('#traffic-pause'), `Resume (${held.length} new)`);
    return;
  }
  const id = String(entry.id);
  const known = entries.has(id);
  entries.set(id, entry);
  if (entries.size > MAX_ROWS) entries.delete(entries.keys().next().value);
  if (known) return rerender();
  if (matches(entry, filters())) {
    $('#traffic-rows').prepend(row(entry));
    trimRows();
  }
  $('#traffic-empty').hidden = entries.size > 0;
}

function togglePause() {
  paused = !paused;
  const button = $('#traffic-pause');
  button.setAttribute('aria-pressed', String(paused));
  fill(button, paused ? 'Resume' : 'Pause');
  if (!paused) held.splice(0).forEach(arrive);
}

async function clearJournal() {
  if (!(await confirmAction('Clear the journal?', 'Every recorded request is removed from this server.', 'Clear'))) return;
  try {
    await control('DELETE', '/requests');
    entries.clear();
    full.clear();
    rerender();
    fill($('#traffic-detail'), h('p', { class: 'muted empty' }, 'The journal is empty.'));
    toast('Journal cleared.');
  } catch (e) {
    toast(`Could not clear the journal: ${e.message}`, 'error');
  }
}

function filters() {
  const form = $('#traffic-filters');
  const value = (name) => form.elements[name].value.trim();
  return {
    method: value('method'),
    route: value('route').toLowerCase(),
    status: value('status'),
    partner: value('partner').toLowerCase(),
    correlation: value('correlation').toLowerCase(),
    flagged: form.elements.flagged.checked,
  };
}

function matches(entry, f) {
  const status = String(entry.status ?? '');
  if (f.method && entry.method !== f.method) return false;
  if (f.route && !`${entry.route || ''} ${entry.path || ''}`.toLowerCase().includes(f.route)) return false;
  if (f.status === 'err' && !(status.startsWith('4') || status.startsWith('5'))) return false;
  if (f.status && f.status !== 'err' && !status.startsWith(f.status)) return false;
  if (f.partner && !String(entry.partner || '').toLowerCase().startsWith(f.partner)) return false;
  if (f.correlation && !String(entry.correlationId || '').toLowerCase().startsWith(f.correlation)) return false;
  if (f.flagged && !entry.fault && !guidanceOf(entry).length) return false;
  return true;
}

function rerender() {
  const f = filters();
  // Newest first by id (ids follow arrival), whether an entry came from the list or the tail.
  const newest = Array.from(entries.values()).sort((a, b) => Number(b.id) - Number(a.id));
  const rows = newest.filter((e) => matches(e, f)).slice(0, MAX_ROWS).map(row);
  fill($('#traffic-rows'), rows);
  $('#traffic-empty').hidden = entries.size > 0;
}

function trimRows() {
  const body = $('#traffic-rows');
  while (body.children.length > MAX_ROWS) body.lastElementChild.remove();
}

export function guidanceOf(entry) {
  const g = entry.guidance;
  if (!g) return [];
  if (Array.isArray(g)) return g.map((x) => (typeof x === 'string' ? x : x.code || x.kind || x.message || JSON.stringify(x)));
  if (typeof g === 'object') return Object.keys(g).filter((k) => g[k]);
  return [String(g)];
}

export function faultLabel(fault) {
  if (!fault) return '';
  if (typeof fault === 'string') return fault;
  if (fault.drop) return 'fault: dropped';
  if (fault.status) return `fault ${fault.status}${fault.commit ? ' (committed)' : ''}`;
  if (fault.latencyMs !== undefined) return `fault +${fault.latencyMs} ms`;
  return `fault${fault.id !== undefined ? ` #${fault.id}` : ''}`;
}

function statusClass(status) {
  const s = Number(status);
  return s >= 500 ? 's5' : s >= 400 ? 's4' : s >= 300 ? 's3' : 's2';
}

function short(text, n = 8) {
  return text ? String(text).slice(0, n) : '';
}

function row(entry) {
  const id = String(entry.id);
  const guidance = guidanceOf(entry);
  return h(
    'tr',
    { dataset: { id }, class: id === selectedId ? 'selected' : null },
    h('td', {}, h('button', { type: 'button', class: 'link', 'aria-label': `Open request ${entry.method} ${entry.path} at ${clockTime(entry.time)}` }, clockTime(entry.time))),
    h('td', { class: 'mono' }, entry.method),
    h('td', { class: 'mono route', title: entry.path }, entry.route || entry.path),
    h('td', {}, h('span', { class: `status ${statusClass(entry.status)}` }, entry.status ?? '—')),
    h('td', { class: 'num' }, entry.latencyMs !== undefined ? Number(entry.latencyMs).toFixed(1) : ''),
    h('td', { class: 'mono', title: entry.partner || '' }, short(entry.partner)),
    h('td', { class: 'mono', title: entry.correlationId || '' }, short(entry.correlationId)),
    h(
      'td',
      { class: 'flags' },
      entry.fault ? h('span', { class: 'badge fault' }, faultLabel(entry.fault)) : null,
      entry.proxied ? h('span', { class: 'badge proxied', title: `answered by the ${entry.proxied}` }, entry.proxied) : null,
      guidance.length ? h('span', { class: 'badge guidance', title: guidance.join('\n') }, `guidance ${guidance.length}`) : null,
    ),
  );
}

/** The entry with bodies (the list and the stream may carry summaries only). */
async function fullEntry(id) {
  if (full.has(id)) return full.get(id);
  try {
    const entry = await control('GET', `/requests/${encodeURIComponent(id)}`);
    full.set(id, entry);
    return entry;
  } catch (e) {
    if (entries.has(id)) return entries.get(id);
    throw e;
  }
}

async function open(id) {
  selectedId = id;
  for (const tr of document.querySelectorAll('#traffic-rows tr')) tr.classList.toggle('selected', tr.dataset.id === id);
  const pane = $('#traffic-detail');
  try {
    const entry = await fullEntry(id);
    fill(pane, detail(entry));
    if (isListRequest(entry)) drawChain(entry);
    pane.focus();
  } catch (e) {
    fill(pane, h('p', { class: 'error' }, `Could not load request ${id}: ${e.message}`));
  }
}

function detail(entry) {
  const guidance = guidanceOf(entry);
  const facts = [
    ['Time', entry.time],
    ['Route', entry.route],
    ['Latency', entry.latencyMs !== undefined ? `${entry.latencyMs} ms` : undefined],
    ['Partner', entry.partner],
    ['MS-RequestId', entry.requestId],
    ['MS-CorrelationId', entry.correlationId],
    ['MS-CV', entry.cv],
    ['Fault', entry.fault ? `${faultLabel(entry.fault)} ${typeof entry.fault === 'object' ? JSON.stringify(entry.fault) : ''}` : undefined],
    ['Guidance', guidance.length ? guidance.join('; ') : undefined],
    ['Answered by', entry.proxied ? `the ${entry.proxied} (serve --upstream / --replay), not partnerd` : undefined],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
  const actions = h('div', { class: 'row' });
  actions.append(
    h('button', { type: 'button', onclick: () => copyText(curlOf(entry), actions) }, 'Copy as curl'),
    entry.correlationId
      ? h('button', { type: 'button', class: 'quiet', onclick: () => filterCorrelation(entry.correlationId) }, 'Only this correlation id')
      : null,
  );
  return [
    h('h2', { class: 'mono' }, h('span', { class: `status ${statusClass(entry.status)}` }, entry.status), ` ${entry.method} ${entry.path}`),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', { class: 'mono' }, String(v))])),
    actions,
    h('div', { id: 'chain-host' }),
    section('Request headers', headersTable(entry.requestHeaders)),
    section(bodyTitle('Request body', entry.requestBodyTruncated), bodyBlock(entry.requestBody)),
    section('Response headers', headersTable(entry.responseHeaders)),
    section(bodyTitle('Response body', entry.responseBodyTruncated), bodyBlock(entry.responseBody)),
    section('As curl', h('pre', { class: 'body', id: 'curl-command', tabindex: '0' }, curlOf(entry))),
  ];
}

function section(title, content) {
  return h('section', { class: 'detail-section' }, h('h3', {}, title), content);
}

function headersTable(headers) {
  const pairs = headerPairs(headers);
  if (!pairs.length) return h('p', { class: 'muted' }, 'none');
  return h('table', { class: 'kv' }, h('tbody', {}, pairs.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', { class: 'mono' }, v)))));
}

/** The journal keeps the first 64 KiB of a body; say so where it cut. */
function bodyTitle(title, truncated) {
  return truncated ? `${title} (first 64 KiB only)` : title;
}

function bodyBlock(body) {
  const text = pretty(body);
  return text ? h('pre', { class: 'body', tabindex: '0' }, text) : h('p', { class: 'muted' }, 'empty');
}

function filterCorrelation(id) {
  const form = $('#traffic-filters');
  form.elements.correlation.value = id;
  rerender();
  toast('Showing only this correlation id.');
}

/** Draws the walk this list request belongs to, once the list requests' bodies are loaded. */
async function drawChain(entry) {
  const lists = Array.from(entries.values()).filter(isListRequest);
  const loaded = await Promise.all(lists.slice(-200).map((e) => fullEntry(String(e.id)).catch(() => e)));
  if (selectedId !== String(entry.id)) return;
  const chain = chainOf(entry, loaded.concat(entry));
  const host = $('#chain-host');
  // A single page that handed out no token is not a walk: nothing to draw.
  if (!host || (chain.length === 1 && !handedTokens(entry).size)) return;
  const more = nextToken(chain[chain.length - 1]) !== undefined;
  fill(
    host,
    h('h3', {}, `Paging chain (${chain.length} page${chain.length === 1 ? '' : 's'})`),
    h(
      'ol',
      { class: 'chain', 'aria-label': 'Pages of this walk, linked by continuation token' },
      chain.map((page, i) => {
        const count = itemCount(page);
        const current = String(page.id) === String(entry.id);
        return h(
          'li',
          { class: current ? 'current' : null },
          h(
            'button',
            { type: 'button', 'aria-current': current ? 'true' : null, onclick: () => open(String(page.id)) },
            h('strong', {}, `Page ${i + 1}`),
            h('span', {}, seekOf(page)),
            h('span', {}, `${page.status} · ${count ?? '?'} items`),
            h('span', { class: 'muted' }, clockTime(page.time)),
          ),
        );
      }),
    ),
    more ? h('p', { class: 'muted' }, 'The last page shown offered a next page that no later request in the journal asked for.') : null,
  );
}

function shellQuote(text) {
  return `'${String(text).replace(/'/g, `'\\''`)}'`;
}

/** The request as a curl command; the journal redacts Authorization, so it becomes a placeholder. */
export function curlOf(entry) {
  const skip = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'authorization']);
  const parts = [`curl -i -X ${entry.method} ${shellQuote(location.origin + entry.path)}`];
  const headers = headerPairs(entry.requestHeaders);
  if (headers.some(([k]) => String(k).toLowerCase() === 'authorization')) {
    parts.push(`-H "Authorization: Bearer $PARTNERD_TOKEN"`);
  }
  for (const [k, v] of headers) if (!skip.has(String(k).toLowerCase())) parts.push(`-H ${shellQuote(`${k}: ${v}`)}`);
  if (entry.requestBody !== undefined && entry.requestBody !== null && entry.requestBody !== '') {
    const body = typeof entry.requestBody === 'string' ? entry.requestBody : JSON.stringify(entry.requestBody);
    parts.push(`--data-raw ${shellQuote(body)}`);
  }
  const command = parts.join(' \\\n  ');
  return entry.requestBodyTruncated ? `# The journal kept only the first 64 KiB of this body.\n${command}` : command;
}

/** Partners seen in the journal, newest first (the Customers view offers them). */
export function knownPartners() {
  const seen = [];
  for (const e of Array.from(entries.values()).reverse()) if (e.partner && !seen.includes(e.partner)) seen.push(e.partner);
  return seen;
}

// ---- guidance: the server's tallies of client habits worth fixing (GET /_partnerd/guidance)

let guidanceTimer = null;

/** Re-reads the tallies, at most a few times a second however many flagged requests arrive. */
function refreshGuidance() {
  if (guidanceTimer) return;
  guidanceTimer = setTimeout(async () => {
    guidanceTimer = null;
    try {
      drawGuidance(await control('GET', '/guidance'));
    } catch {
      $('#guidance').hidden = true;
    }
  }, 300);
}

function drawGuidance(summary) {
  const flags = Object.entries(summary?.flags || {}).filter(([, f]) => f.count > 0);
  $('#guidance').hidden = flags.length === 0;
  fill($('#guidance-summary'), `Guidance: ${summary?.total ?? 0} flagged request${summary?.total === 1 ? '' : 's'}`);
  fill(
    $('#guidance-list'),
    flags.map(([flag, f]) =>
      h(
        'li',
        {},
        h('strong', {}, flag),
        ` ×${f.count}: ${f.description || ''} `,
        (f.latest || []).map((x) =>
          h('button', { type: 'button', class: 'link', onclick: () => open(String(x.entry)), title: `${x.method} ${x.path}` }, `#${x.entry}`),
        ),
      ),
    ),
  );
}

async function clearGuidance() {
  try {
    await control('DELETE', '/guidance');
    toast('Guidance tallies cleared.');
  } catch (e) {
    toast(`Could not clear the tallies: ${e.message}`, 'error');
  }
  refreshGuidance();
}
