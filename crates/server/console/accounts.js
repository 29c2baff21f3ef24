// A customer's accounts beside its profiles: its users, directory roles with their members,
// licenses (subscribed SKUs), agreements and qualifications, each read through the real Partner Center API as the open partner, so
// the view shows what a client would get. Each section fills on its own; one that fails says
// why and leaves the others.

import { partnerCall, itemsOf } from './api.js';
import { h, fill } from './dom.js';

/** The sections, empty until `load` fills them; placed at once so the layout does not jump. */
export function accountSections() {
  return SECTIONS.map(({ key, title }) =>
    h('section', { class: 'detail-section', 'data-account': key }, h('h3', {}, title), h('p', { class: 'muted' }, 'Loading…')),
  );
}

/** Fills the sections inside `side` for customer `id` of `partner`. */
export function loadAccounts(side, partner, id) {
  for (const { key, title, path, rows } of SECTIONS) {
    const section = side.querySelector(`[data-account="${key}"]`);
    if (!section) continue;
    const base = `/v1/customers/${encodeURIComponent(id)}`;
    partnerCall(partner, 'GET', `${base}/${path}`).then(async (res) => {
      if (!res.ok) {
        fill(section, h('h3', {}, title), h('p', { class: 'error' }, `HTTP ${res.status}: ${(res.json || {}).description || res.text}`));
        return;
      }
      let items = itemsOf(res.json);
      if (key === 'roles') items = await withMembers(partner, base, items);
      fill(
        section,
        h('h3', {}, `${title} (${items.length})`),
        items.length ? h('dl', { class: 'facts' }, items.map(rows)) : h('p', { class: 'muted' }, 'None.'),
      );
    });
  }
}

/** Each directory role with the user principal names of its members (one call per role; a
 * customer has six). */
async function withMembers(partner, base, roles) {
  return Promise.all(
    roles.map(async (role) => {
      const res = await partnerCall(partner, 'GET', `${base}/directoryroles/${encodeURIComponent(role.id)}/usermembers`);
      const members = res.ok ? itemsOf(res.json).map((m) => m.userPrincipalName) : [`HTTP ${res.status}`];
      return { ...role, members };
    }),
  );
}

const SECTIONS = [
  {
    key: 'users',
    title: 'Users',
    path: 'users',
    rows: (u) => [h('dt', {}, u.displayName || u.id), h('dd', { class: 'mono' }, `${u.userPrincipalName || ''} · ${u.state || ''}`)],
  },
  {
    key: 'roles',
    title: 'Directory roles',
    path: 'directoryroles',
    rows: (r) => [h('dt', {}, r.name || r.id), h('dd', { class: 'mono' }, r.members.length ? r.members.join(', ') : 'no members')],
  },
  {
    key: 'licenses',
    title: 'Licenses',
    path: 'subscribedskus',
    rows: (s) => [
      h('dt', {}, s.productSku?.name || s.productSku?.skuPartNumber || ''),
      h('dd', { class: 'mono' }, `${s.consumedUnits ?? 0} of ${s.activeUnits ?? 0} units used · ${s.productSku?.skuPartNumber || ''}`),
    ],
  },
  {
    key: 'agreements',
    title: 'Agreements',
    path: 'agreements?agreementType=*',
    rows: (a) => [
      h('dt', {}, a.type || a.agreementType || ''),
      h('dd', { class: 'mono' }, `${a.dateAgreed || ''} · ${[a.primaryContact?.firstName, a.primaryContact?.lastName].filter(Boolean).join(' ')} ${a.primaryContact?.email || ''}`),
    ],
  },
  {
    key: 'qualifications',
    title: 'Qualifications',
    path: 'qualifications',
    rows: (q) => [h('dt', {}, q.qualification || ''), h('dd', { class: 'mono' }, q.vettingStatus || '')],
  },
];
