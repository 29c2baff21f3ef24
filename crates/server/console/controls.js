// Faults and time: fault rules, the server's clock, reset and seed (after a confirmation),
// and snapshots to download and upload.

import { control, itemsOf, ApiError } from './api.js';
import { $, h, fill, toast, confirmAction } from './dom.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function start() {
  $('#fault-form').addEventListener('submit', addFault);
  $('#fault-clear').addEventListener('click', clearFaults);
  $('#fault-rows').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-remove]');
    if (button) removeFault(button.dataset.remove);
  });
  $('#clock-form').addEventListener('submit', (e) => {
    e.preventDefault();
    setOffset(Number($('#clock-form').elements.offsetSeconds.value));
  });
  for (const b of document.querySelectorAll('[data-offset-add]')) {
    b.addEventListener('click', () => setOffset(currentOffset + Number(b.dataset.offsetAdd)));
  }
  for (const b of document.querySelectorAll('[data-offset]')) b.addEventListener('click', () => setOffset(Number(b.dataset.offset)));
  $('#reset-button').addEventListener('click', reset);
  $('#seed-button').addEventListener('click', seed);
  $('#snapshot-download').addEventListener('click', downloadSnapshot);
  $('#snapshot-file').addEventListener('change', uploadSnapshot);
}

/** While the view is open the rules are read again now and then: counts go down as they fire. */
const REFRESH_MS = 3000;
let refresher = null;

export function show() {
  loadFaults();
  loadClock();
  clearInterval(refresher);
  refresher = setInterval(loadFaults, REFRESH_MS);
}

export function hide() {
  clearInterval(refresher);
  refresher = null;
}

// ---- faults

/** The form as a fault rule: only the members filled in, numbers as numbers. */
function ruleOf(form) {
  const rule = {};
  for (const name of ['method', 'route', 'partner']) {
    const v = form.elements[name].value.trim();
    if (v) rule[name] = v;
  }
  for (const name of ['status', 'count', 'probability', 'latencyMs', 'retryAfter', 'expiresInSeconds']) {
    const v = form.elements[name].value.trim();
    if (v) rule[name] = Number(v);
  }
  for (const name of ['drop', 'commit']) if (form.elements[name].checked) rule[name] = true;
  return rule;
}

async function addFault(e) {
  e.preventDefault();
  const form = $('#fault-form');
  const error = $('#fault-error');
  error.hidden = true;
  try {
    const rule = await control('POST', '/faults', ruleOf(form));
    toast(`Fault ${rule?.id ?? ''} added: ${describe(rule || {})}.`);
    await loadFaults();
  } catch (err) {
    const data = err.body?.data?.length ? ` (${err.body.data.join(', ')})` : '';
    fill(error, `${err.message}${data}`).hidden = false;
  }
}

function describe(rule) {
  const what = [rule.method || 'any method', rule.route || 'any route', rule.partner ? `partner ${rule.partner}` : null].filter(Boolean).join(' ');
  const act = [
    rule.drop ? 'drop the connection' : null,
    rule.status ? `answer ${rule.status}${rule.code !== undefined ? ` code ${rule.code}` : ''}${rule.commit ? ' after committing' : ''}` : null,
    rule.retryAfter !== undefined ? `Retry-After ${rule.retryAfter} s` : null,
    rule.latencyMs !== undefined ? `wait ${rule.latencyMs} ms` : null,
    rule.latencyMinMs !== undefined ? `wait ${rule.latencyMinMs}–${rule.latencyMaxMs} ms` : null,
    rule.probability !== undefined ? `with probability ${rule.probability}` : null,
  ].filter(Boolean).join(', ');
  return `${what} → ${act || 'no action'}`;
}

/** The rules as last drawn, so an unchanged answer leaves the table alone. */
let shownRules = null;

async function loadFaults() {
  try {
    const rules = itemsOf(await control('GET', '/faults'));
    const signature = JSON.stringify(rules);
    if (signature === shownRules) return;
    shownRules = signature;
    // Redrawing must not take the keyboard focus away from a Remove button.
    const focused = document.activeElement?.dataset?.remove;
    fill($('#fault-rows'), rules.map((rule) => {
      const left = rule.remaining ?? rule.count ?? '∞';
      const fired = rule.fired !== undefined ? ` · fired ${rule.fired}` : '';
      return h(
        'tr',
        { dataset: { id: rule.id } },
        h('td', {}, describe(rule)),
        h('td', {}, `${left}${fired}`),
        h('td', {}, h('button', { type: 'button', dataset: { remove: rule.id }, 'aria-label': `Remove fault ${rule.id}` }, 'Remove')),
      );
    }));
    $('#fault-empty').hidden = rules.length > 0;
    if (focused) $(`#fault-rows button[data-remove="${CSS.escape(focused)}"]`)?.focus();
  } catch (err) {
    shownRules = null;
    fill($('#fault-rows'));
    fill($('#fault-empty'), unavailable(err, 'Fault rules')).hidden = false;
  }
}

async function removeFault(id) {
  try {
    await control('DELETE', `/faults/${encodeURIComponent(id)}`);
    toast(`Fault ${id} removed.`);
  } catch (err) {
    toast(`Could not remove fault ${id}: ${err.message}`, 'error');
  }
  await loadFaults();
}

async function clearFaults() {
  try {
    await control('DELETE', '/faults');
    toast('All faults removed.');
  } catch (err) {
    toast(`Could not remove the faults: ${err.message}`, 'error');
  }
  await loadFaults();
}

function unavailable(err, what) {
  return err instanceof ApiError && err.status === 404 ? `${what} are not available on this server.` : `${what}: ${err.message}`;
}

// ---- clock

let currentOffset = 0;

async function loadClock() {
  try {
    const clock = await control('GET', '/clock');
    currentOffset = Number(clock.offsetSeconds) || 0;
    $('#clock-form').elements.offsetSeconds.value = currentOffset;
    fill($('#clock-now'), `Server time ${clock.now ?? clock.time ?? ''} (offset ${currentOffset} s)`);
  } catch (err) {
    fill($('#clock-now'), unavailable(err, 'The clock controls'));
  }
}

async function setOffset(seconds) {
  if (!Number.isInteger(seconds)) {
    toast('The offset must be a whole number of seconds.', 'error');
    return;
  }
  try {
    await control('POST', '/clock', { offsetSeconds: seconds });
    toast(`Clock offset set to ${seconds} s.`);
    await loadClock();
    window.dispatchEvent(new CustomEvent('partnerd:clock'));
  } catch (err) {
    toast(`Could not move the clock: ${err.message}`, 'error');
  }
}

// ---- state

/** The partner typed in the State panel, or '' for all; null (and a message) when it is not a GUID. */
function statePartner() {
  const value = $('#state-form').elements.partner.value.trim();
  if (value && !GUID.test(value)) {
    toast('The partner must be a GUID, or empty for all partners.', 'error');
    return null;
  }
  return value;
}

async function reset() {
  const partner = statePartner();
  if (partner === null) return;
  const keys = $('#state-form').elements.keys.checked;
  const scope = partner ? `partner ${partner}` : 'every partner';
  const ok = await confirmAction(
    'Reset the server?',
    `Customers, kept idempotent responses, the journal and the faults of ${scope} are removed${keys ? ', and the continuation-token key is replaced' : ''}. This cannot be undone.`,
    'Reset',
  );
  if (!ok) return;
  const query = new URLSearchParams();
  if (partner) query.set('partner', partner);
  if (keys) query.set('keys', 'true');
  try {
    await control('POST', `/reset${query.size ? `?${query}` : ''}`);
    toast(`Reset ${scope}.`);
    window.dispatchEvent(new CustomEvent('partnerd:reset'));
    await loadFaults();
  } catch (err) {
    toast(`Reset failed: ${err.message}`, 'error');
  }
}

async function seed() {
  const partner = statePartner();
  if (partner === null) return;
  if (!partner) {
    toast('Seeding needs a partner: type its GUID above.', 'error');
    return;
  }
  const form = $('#state-form');
  const count = Number(form.elements.count.value);
  const seedValue = Number(form.elements.seed.value);
  const ok = await confirmAction('Seed customers?', `${count} generated customers (seed ${seedValue}) are added for partner ${partner}.`, 'Seed');
  if (!ok) return;
  try {
    await control('POST', `/partners/${encodeURIComponent(partner)}/seed`, { count, seed: seedValue });
    toast(`Seeded ${count} customers for ${partner}.`);
    window.dispatchEvent(new CustomEvent('partnerd:seeded'));
  } catch (err) {
    toast(`Seed failed: ${err.message}`, 'error');
  }
}

async function downloadSnapshot() {
  const partner = statePartner();
  if (partner === null) return;
  try {
    const res = await control('GET', `/snapshot${partner ? `?partner=${encodeURIComponent(partner)}` : ''}`, undefined, { raw: true });
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const a = h('a', { href: url, download: `partnerd-snapshot-${partner || 'all'}-${stamp}.jsonl` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    toast(`Snapshot downloaded (${blob.size} bytes).`);
  } catch (err) {
    toast(`Snapshot failed: ${err.message}`, 'error');
  }
}

async function uploadSnapshot(e) {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  const partner = statePartner();
  if (partner === null) return;
  const scope = partner ? `partner ${partner}` : 'every partner';
  const ok = await confirmAction('Replace the state?', `The customers of ${scope} are replaced by those in ${file.name}.`, 'Replace');
  if (!ok) return;
  try {
    const query = partner ? `?partner=${encodeURIComponent(partner)}` : '';
    await control('PUT', `/snapshot${query}`, file, { contentType: 'application/x-ndjson' });
    toast(`Snapshot ${file.name} loaded.`);
  } catch (err) {
    toast(`Upload failed: ${err.message}`, 'error');
  }
}
