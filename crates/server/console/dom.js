// Small DOM helpers shared by the views. Everything that came from a request (bodies,
// headers, names) reaches the page as text nodes, never as markup.

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** Creates an element: attributes (on* keys become listeners) and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A short-lived message in the top-right corner (also read out by screen readers). */
export function toast(message, kind = 'info') {
  const box = $('#toasts');
  const item = h('div', { class: `toast ${kind}` }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

/** Asks before something destructive; resolves to true only on an explicit confirm. */
export function confirmAction(title, text, confirmLabel = 'Confirm') {
  const dialog = $('#confirm-dialog');
  fill($('#confirm-title'), title);
  fill($('#confirm-text'), text);
  fill($('#confirm-ok'), confirmLabel);
  return new Promise((resolve) => {
    const done = (answer) => {
      $('#confirm-ok').onclick = null;
      $('#confirm-cancel').onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    $('#confirm-ok').onclick = () => done(true);
    $('#confirm-cancel').onclick = () => done(false);
    dialog.onclose = () => done(false);
    dialog.showModal();
    $('#confirm-cancel').focus();
  });
}

/** A random GUID (crypto.randomUUID needs a secure context; 127.0.0.1 is one, a LAN address is not). */
export function guid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** HH:MM:SS.mmm of a time given as RFC 3339 text, Unix seconds or milliseconds. */
export function clockTime(t) {
  const d = toDate(t);
  if (!d) return String(t ?? '');
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function toDate(t) {
  if (t === undefined || t === null || t === '') return null;
  if (typeof t === 'number') return new Date(t < 1e12 ? t * 1000 : t);
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Headers as [name, value] pairs, whichever shape the server used (object, pairs or {name, value} items). */
export function headerPairs(headers) {
  if (!headers) return [];
  if (Array.isArray(headers)) {
    return headers.map((x) => (Array.isArray(x) ? [x[0], x[1]] : [x.name ?? x.key, x.value]));
  }
  return Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]));
}

/** The first value of header `name` (any case), or undefined. */
export function headerValue(headers, name) {
  const lower = name.toLowerCase();
  const pair = headerPairs(headers).find(([k]) => String(k).toLowerCase() === lower);
  return pair ? String(pair[1]) : undefined;
}

/** A body as readable text: JSON indented, XML indented, anything else as it came. */
export function pretty(body) {
  if (body === undefined || body === null || body === '') return '';
  if (typeof body !== 'string') return JSON.stringify(body, null, 2);
  const text = body.trim();
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return body;
    }
  }
  if (text.startsWith('<')) return prettyXml(text) ?? body;
  return body;
}

function prettyXml(text) {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) return null;
  const lines = [];
  const walk = (node, depth) => {
    const pad = '  '.repeat(depth);
    const attrs = Array.from(node.attributes || [], (a) => ` ${a.name}="${a.value}"`).join('');
    const kids = Array.from(node.childNodes).filter((n) => n.nodeType !== 3 || n.nodeValue.trim());
    if (!kids.length) lines.push(`${pad}<${node.nodeName}${attrs}/>`);
    else if (kids.length === 1 && kids[0].nodeType === 3) {
      lines.push(`${pad}<${node.nodeName}${attrs}>${kids[0].nodeValue.trim()}</${node.nodeName}>`);
    } else {
      lines.push(`${pad}<${node.nodeName}${attrs}>`);
      kids.forEach((k) => (k.nodeType === 1 ? walk(k, depth + 1) : lines.push(pad + '  ' + k.nodeValue.trim())));
      lines.push(`${pad}</${node.nodeName}>`);
    }
  };
  walk(doc.documentElement, 0);
  return lines.join('\n');
}

/** A body parsed as JSON when it is JSON (text or already an object), else null. */
export function asJson(body) {
  if (body && typeof body === 'object') return body;
  if (typeof body !== 'string') return null;
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

/** Copies text to the clipboard; where the browser refuses, shows it selected for Ctrl+C. */
export async function copyText(text, fallbackHost) {
  try {
    await navigator.clipboard.writeText(text);
    toast('Copied to the clipboard.');
  } catch {
    const area = h('textarea', { class: 'copy-fallback', rows: 4, readonly: true, 'aria-label': 'Text to copy' }, text);
    fallbackHost.append(area);
    area.focus();
    area.select();
    toast('Press Ctrl+C to copy the selected text.');
  }
}
