// Every request the console makes: the control plane (with the admin token, when the server
// has one) and the Partner Center API (with a partner token minted by the control plane).

const TOKEN_KEY = 'partnerd.adminToken';
export const CONTROL = '/_partnerd';

/** The admin token typed into the login form, kept for this tab only. */
export const adminToken = () => sessionStorage.getItem(TOKEN_KEY);
export const setAdminToken = (token) =>
  token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY);

/** A refused or failed request, with the contract's error body when there was one. */
export class ApiError extends Error {
  constructor(status, body, text) {
    const described = body && (body.description || body.message);
    super(described ? `${described}${status ? ` (HTTP ${status})` : ''}` : `HTTP ${status}: ${text || 'no answer'}`);
    this.status = status;
    this.body = body;
  }
}

function controlHeaders(extra = {}) {
  const headers = { Accept: 'application/json', ...extra };
  const token = adminToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/** Tells the app that the admin token is missing or wrong, so it can show the login form. */
function refused(status) {
  if (status === 401) window.dispatchEvent(new CustomEvent('partnerd:unauthorized'));
}

async function readBody(res) {
  const text = await res.text();
  if (!text) return { text, json: null };
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text, json: null };
  }
}

/** A control-plane call; resolves to the parsed JSON answer, rejects with an ApiError. */
export async function control(method, path, body, { raw = false, contentType = 'application/json' } = {}) {
  const init = { method, headers: controlHeaders() };
  if (body !== undefined) {
    init.headers['Content-Type'] = contentType;
    init.body = typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body);
  }
  const res = await fetch(CONTROL + path, init);
  if (raw && res.ok) return res;
  const { text, json } = await readBody(res);
  if (!res.ok) {
    refused(res.status);
    throw new ApiError(res.status, json, text);
  }
  return json;
}

/** The items of a list answer, whether the server sent a bare array or wrapped it. */
export function itemsOf(answer) {
  if (Array.isArray(answer)) return answer;
  if (!answer || typeof answer !== 'object') return [];
  for (const key of ['items', 'requests', 'entries', 'rules', 'faults', 'value']) {
    if (Array.isArray(answer[key])) return answer[key];
  }
  return [];
}

const partnerTokens = new Map();

async function partnerToken(partner, fresh) {
  if (!fresh && partnerTokens.has(partner)) return partnerTokens.get(partner);
  const answer = await control('POST', '/tokens', { partner });
  partnerTokens.set(partner, answer.token);
  return answer.token;
}

/**
 * A Partner Center call as `partner`. Never rejects: resolves to {status, ok, headers, json,
 * text}, so a view can show the error body as the server sent it; where no answer came (no
 * token for the partner, no server) status is 0 and text says why.
 */
export async function partnerCall(partner, method, path, options = {}) {
  try {
    return await sendAsPartner(partner, method, path, options);
  } catch (e) {
    const text =
      e instanceof ApiError && e.status === 404
        ? 'This server verifies tokens with production keys, so the control plane issues no partner tokens and the console cannot call the Partner Center API.'
        : e instanceof ApiError
          ? `No token for partner ${partner}: ${e.message}`
          : `The server did not answer: ${e.message}`;
    return { status: 0, ok: false, headers: new Headers(), json: null, text };
  }
}

async function sendAsPartner(partner, method, path, { body, headers = {} }) {
  const send = async (fresh) => {
    const token = await partnerToken(partner, fresh);
    const init = { method, headers: { Accept: 'application/json', Authorization: `Bearer ${token}`, ...headers } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init);
  };
  let res = await send(false);
  // A token minted before the clock moved may have expired: mint once more and retry.
  if (res.status === 401) res = await send(true);
  const { text, json } = await readBody(res);
  return { status: res.status, ok: res.ok, headers: res.headers, json, text };
}

/**
 * Opens a Server-Sent Events stream with fetch (EventSource cannot send an Authorization
 * header, and the admin token must never travel in a URL). Resolves once the server has
 * answered the head, that is once it has subscribed: whatever happens after that reaches
 * the stream. Rejects on an HTTP error. The answer's follow(onEvent) reads the events,
 * calling onEvent({event, data}) for each, and resolves when the stream ends.
 */
export async function openEvents(path, signal) {
  const res = await fetch(CONTROL + path, { headers: controlHeaders({ Accept: 'text/event-stream' }), signal });
  if (!res.ok) {
    refused(res.status);
    const { text, json } = await readBody(res);
    throw new ApiError(res.status, json, text);
  }
  return { follow: (onEvent) => readEvents(res, onEvent) };
}

async function readEvents(res, onEvent) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = parseEvent(block);
      if (event) onEvent(event);
    }
  }
}

function parseEvent(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { event, data: data.join('\n') } : null;
}
