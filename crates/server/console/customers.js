// Customers: one partner's customers through the real Partner Center API (list with the
// prefix filter and continuation-token paging, get, create, delete), as a client sees them.

import { partnerCall } from './api.js';
import { $, h, fill, toast, confirmAction, guid } from './dom.js';
import { knownPartners } from './traffic.js';
import { accountSections, loadAccounts } from './accounts.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
let partner = null;
/** The request that produced the page on screen (re-sent to refresh it) and the page itself. */
let lastRequest = null;
let page = null;
let pageNumber = 1;

export function start() {
  $('#partner-form').addEventListener('submit', (e) => {
    e.preventDefault();
    usePartner($('#partner-id').value.trim());
  });
  $('#partner-random').addEventListener('click', () => {
    $('#partner-id').value = guid();
    usePartner($('#partner-id').value);
  });
  $('#customer-search').addEventListener('submit', (e) => {
    e.preventDefault();
    search();
  });
  $('#page-next').addEventListener('click', () => follow('next'));
  $('#page-prev').addEventListener('click', () => follow('previous'));
  $('#customer-new').addEventListener('click', showCreateForm);
  $('#customer-rows').addEventListener('click', onRowAction);
  // After a reset or seed from the console, the page on screen is stale: read it again from the start.
  for (const event of ['partnerd:reset', 'partnerd:seeded']) {
    window.addEventListener(event, () => {
      if (partner) search();
    });
  }
}

export function show() {
  fill($('#known-partners'), knownPartners().map((p) => h('option', { value: p })));
}

function usePartner(id) {
  if (!GUID.test(id)) {
    toast('The partner must be a GUID (the partner’s tenant id).', 'error');
    $('#partner-id').focus();
    return;
  }
  partner = id.toLowerCase();
  fill($('#partner-note'), `Browsing as partner ${partner}.`);
  $('#customers-body').hidden = false;
  fill($('#customer-side'), h('p', { class: 'muted empty' }, 'Open a customer, or create one.'));
  search();
}

function search() {
  const form = $('#customer-search');
  const size = form.elements.size.value;
  const prefix = form.elements.prefix.value;
  let path = `/v1/customers?size=${encodeURIComponent(size)}`;
  if (prefix) {
    const filter = { Field: form.elements.field.value, Value: prefix, Operator: 'starts_with' };
    path += `&filter=${encodeURIComponent(JSON.stringify(filter))}`;
  }
  pageNumber = 1;
  return loadPage({ path, headers: {} });
}

/** Follows the page's own next or previous link, continuation token header and all. */
function follow(which) {
  const link = page?.links?.[which];
  if (!link) return;
  const headers = {};
  for (const header of link.headers || []) headers[header.key] = header.value;
  pageNumber += which === 'next' ? 1 : -1;
  return loadPage({ path: link.uri, headers });
}

async function loadPage(request) {
  lastRequest = request;
  const res = await partnerCall(partner, 'GET', request.path, { headers: request.headers });
  if (!res.ok) {
    toast(errorText(res), 'error');
    return;
  }
  page = res.json;
  const items = page.items || [];
  fill($('#customer-rows'), items.map(customerRow));
  $('#customer-empty').hidden = items.length > 0;
  $('#page-prev').disabled = !page.links?.previous;
  $('#page-next').disabled = !page.links?.next;
  fill($('#page-label'), `Page ${pageNumber} · ${items.length} customer${items.length === 1 ? '' : 's'}`);
}

function customerRow(c) {
  const name = c.companyProfile?.companyName || '(no name)';
  return h(
    'tr',
    { dataset: { id: c.id } },
    h('td', {}, name),
    h('td', { class: 'mono' }, c.companyProfile?.domain || ''),
    h('td', {}, c.relationshipToPartner || ''),
    h(
      'td',
      { class: 'actions' },
      h('button', { type: 'button', dataset: { action: 'open' }, 'aria-label': `Open ${name}` }, 'Open'),
      h('button', { type: 'button', class: 'danger', dataset: { action: 'delete' }, 'aria-label': `Delete ${name}` }, 'Delete'),
    ),
  );
}

function onRowAction(e) {
  const button = e.target.closest('button[data-action]');
  if (!button) return;
  const row = button.closest('tr');
  const name = row.firstElementChild.textContent;
  if (button.dataset.action === 'open') openCustomer(row.dataset.id);
  else deleteCustomer(row.dataset.id, name);
}

async function openCustomer(id) {
  const side = $('#customer-side');
  const res = await partnerCall(partner, 'GET', `/v1/customers/${encodeURIComponent(id)}`);
  if (!res.ok) {
    fill(side, h('p', { class: 'error' }, errorText(res)));
    return;
  }
  fill(side, customerDetail(res.json));
  loadAccounts(side, partner, id);
  side.focus();
}

function customerDetail(c, credentials) {
  const company = c.companyProfile || {};
  const billing = c.billingProfile || {};
  const address = billing.defaultAddress || {};
  return [
    h('h2', {}, company.companyName || c.id),
    credentials
      ? h('p', { class: 'notice' }, `Created. Admin user ${credentials.userName}, password `, h('code', {}, credentials.password), ' (shown once).')
      : null,
    facts('Customer', [
      ['Id', c.id],
      ['Commerce id', c.commerceId],
      ['Relationship', c.relationshipToPartner],
      ['Delegated access', c.allowDelegatedAccess],
      ['Associated partner', c.associatedPartnerId],
      ['Custom domains', (c.customDomains || []).join(', ')],
    ]),
    facts('Company profile', [
      ['Tenant id', company.tenantId],
      ['Domain', company.domain],
      ['Company name', company.companyName],
      ['Email', company.email],
      ['Registration number', company.organizationRegistrationNumber],
    ]),
    facts('Billing profile', [
      ['ETag', billing.attributes?.etag],
      ['Name', [billing.firstName, billing.lastName].filter(Boolean).join(' ')],
      ['Email', billing.email],
      ['Company name', billing.companyName],
      ['Culture / language', [billing.culture, billing.language].filter(Boolean).join(' / ')],
      ['Address', [address.addressLine1, address.addressLine2, address.city, address.state, address.postalCode, address.country].filter(Boolean).join(', ')],
      ['Phone', address.phoneNumber],
    ]),
    accountSections(),
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'danger', onclick: () => deleteCustomer(c.id, company.companyName || c.id) }, 'Delete customer')),
    h('details', {}, h('summary', {}, 'JSON as served'), h('pre', { class: 'body' }, JSON.stringify(c, null, 2))),
  ];
}

function facts(title, rows) {
  const shown = rows.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return h('section', { class: 'detail-section' }, h('h3', {}, title), h('dl', { class: 'facts' }, shown.map(([k, v]) => [h('dt', {}, k), h('dd', { class: 'mono' }, String(v))])));
}

async function deleteCustomer(id, name) {
  if (!(await confirmAction(`Delete ${name}?`, `Customer ${id} is deleted for partner ${partner}.`, 'Delete'))) return;
  const res = await partnerCall(partner, 'DELETE', `/v1/customers/${encodeURIComponent(id)}`, { headers: { 'MS-RequestId': guid() } });
  if (!res.ok) {
    toast(errorText(res), 'error');
    return;
  }
  toast(`Deleted ${name}.`);
  fill($('#customer-side'), h('p', { class: 'muted empty' }, `${name} was deleted.`));
  await loadPage(lastRequest);
}

function showCreateForm() {
  const side = $('#customer-side');
  const form = $('#customer-form-template').content.firstElementChild.cloneNode(true);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    createCustomer(form);
  });
  form.querySelector('[data-cancel]').addEventListener('click', () => fill(side, h('p', { class: 'muted empty' }, 'Open a customer, or create one.')));
  fill(side, form);
  form.querySelector('input').focus();
}

/** The form as a create body: dotted input names become nested members; empty inputs are left out. */
function bodyOf(form) {
  const body = {};
  for (const input of form.querySelectorAll('input[name]')) {
    const value = input.value.trim();
    if (!value) continue;
    const path = input.name.split('.');
    let at = body;
    path.slice(0, -1).forEach((key) => (at = at[key] ??= {}));
    at[path[path.length - 1]] = value;
  }
  return body;
}

async function createCustomer(form) {
  clearErrors(form);
  const res = await partnerCall(partner, 'POST', '/v1/customers', { body: bodyOf(form), headers: { 'MS-RequestId': guid() } });
  if (res.ok) {
    toast(`Created ${res.json.companyProfile?.companyName || res.json.id}.`);
    fill($('#customer-side'), customerDetail(res.json, res.json.userCredentials));
    await loadPage(lastRequest);
    return;
  }
  showErrors(form, res);
}

function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  form.querySelectorAll('fieldset.invalid').forEach((e) => e.classList.remove('invalid'));
  form.querySelector('.error-summary').hidden = true;
}

/** Puts each failing member named in the error body's `data` next to its input. */
function showErrors(form, res) {
  const body = res.json || {};
  const members = Array.isArray(body.data) ? body.data.map(String) : [];
  const messages = [];
  for (const member of members) {
    const message = messageFor(member, body.description);
    const input = Array.from(form.querySelectorAll('input[name]')).find((i) => i.name.toLowerCase() === member.toLowerCase());
    const fieldset = Array.from(form.querySelectorAll('fieldset[data-field]')).find((f) => f.dataset.field.toLowerCase() === member.toLowerCase());
    const errorId = `err-${member.replace(/[^a-z0-9]/gi, '-')}`;
    const note = h('span', { class: 'field-error', id: errorId }, message);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', errorId);
      input.after(note);
    } else if (fieldset) {
      fieldset.classList.add('invalid');
      fieldset.querySelector('legend').after(note);
    }
    messages.push(`${member}: ${message}`);
  }
  const summary = form.querySelector('.error-summary');
  fill(
    summary,
    h('strong', {}, `The server refused the customer (HTTP ${res.status}${body.code ? `, code ${body.code}` : ''}): ${body.description || body.message || res.text}`),
    messages.length ? h('ul', {}, messages.map((m) => h('li', {}, m))) : null,
  );
  summary.hidden = false;
  const first = form.querySelector('[aria-invalid="true"]');
  (first || summary).focus?.();
  if (!first) summary.setAttribute('tabindex', '-1');
}

/** The part of the description about `member` ("billingProfile.email is required"), else a generic note. */
function messageFor(member, description = '') {
  const lower = member.toLowerCase();
  const part = description
    .split(/;\s*|\.\s+|\n/)
    .map((s) => s.trim().replace(/\.$/, ''))
    .find((s) => s.toLowerCase().includes(lower));
  if (!part) return 'is not valid';
  const at = part.toLowerCase().indexOf(lower);
  return part.slice(at + member.length).trim() || part;
}

function errorText(res) {
  if (!res.status) return res.text;
  const body = res.json || {};
  return `HTTP ${res.status}: ${body.description || body.message || res.text || 'no body'}`;
}
