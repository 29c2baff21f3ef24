// The continuation-token chain of a list walk: page N+1 is the list request whose
// MS-ContinuationToken request header is the token that page N's response handed out.

import { asJson, headerValue } from './dom.js';

/** Whether an entry is a customer-list request (the only paged route). */
export function isListRequest(entry) {
  const route = entry.route || (entry.path || '').split('?')[0];
  return entry.method === 'GET' && /^\/v1(\.0)?\/customers\/?$/i.test(route);
}

/** The continuation token a request sent, if any. */
export function sentToken(entry) {
  const value = headerValue(entry.requestHeaders, 'MS-ContinuationToken');
  return value && value.trim() ? value.trim() : undefined;
}

/**
 * The tokens a list response handed out: its continuationToken and the tokens in its
 * next/previous links (the same token today, but a walk may follow either). Truncated bodies
 * are searched as text.
 */
export function handedTokens(entry) {
  const body = entry.responseBody;
  const tokens = new Set();
  const json = asJson(body);
  if (json) {
    if (json.continuationToken) tokens.add(json.continuationToken);
    for (const link of [json.links?.next, json.links?.previous]) {
      for (const header of link?.headers || []) {
        if (String(header.key).toLowerCase() === 'ms-continuationtoken' && header.value) tokens.add(header.value);
      }
    }
  } else if (typeof body === 'string') {
    for (const m of body.matchAll(/"continuationToken"\s*:\s*"([^"]+)"|<continuationToken>([^<]+)</g)) {
      tokens.add(m[1] || m[2]);
    }
  }
  return tokens;
}

/** The token a list response offered for its next page, if any (a last page has none). */
export function nextToken(entry) {
  const json = asJson(entry.responseBody);
  if (json) return json.continuationToken || undefined;
  const m = typeof entry.responseBody === 'string' && entry.responseBody.match(/"continuationToken"\s*:\s*"([^"]+)"|<continuationToken>([^<]+)</);
  return m ? m[1] || m[2] : undefined;
}

/** What kind of page a list request asked for: First, Next, Previous… from its query. */
export function seekOf(entry) {
  const query = (entry.path || '').split('?')[1] || '';
  const seek = new URLSearchParams(query).get('seekOperation');
  return seek || (sentToken(entry) ? 'token' : 'first');
}

/** How many items a list response held, when its body says. */
export function itemCount(entry) {
  const json = asJson(entry.responseBody);
  if (json && Array.isArray(json.items)) return json.items.length;
  const m = typeof entry.responseBody === 'string' && entry.responseBody.match(/"totalCount"\s*:\s*(\d+)/);
  return m ? Number(m[1]) : undefined;
}

/**
 * The walk that `selected` belongs to, oldest page first: back through the pages whose
 * responses handed out the token each request sent, then forward through the requests that
 * sent the tokens each response handed out. `entries` are the journal's list requests (any order).
 */
export function chainOf(selected, entries) {
  const lists = entries.filter(isListRequest).sort(byTime);
  const chain = [selected];
  const seen = new Set([selected.id]);
  let cursor = selected;
  for (;;) {
    const token = sentToken(cursor);
    if (!token) break;
    const before = lists.filter((e) => !seen.has(e.id) && byTime(e, cursor) < 0 && handedTokens(e).has(token));
    const parent = before[before.length - 1];
    if (!parent) break;
    chain.unshift(parent);
    seen.add(parent.id);
    cursor = parent;
  }
  cursor = selected;
  for (;;) {
    const handed = handedTokens(cursor);
    if (!handed.size) break;
    const child = lists.find((e) => !seen.has(e.id) && byTime(e, cursor) > 0 && handed.has(sentToken(e)));
    if (!child) break;
    chain.push(child);
    seen.add(child.id);
    cursor = child;
  }
  return chain;
}

function byTime(a, b) {
  const ta = Date.parse(a.time) || 0;
  const tb = Date.parse(b.time) || 0;
  if (ta !== tb) return ta - tb;
  return Number(a.id) - Number(b.id) || String(a.id).localeCompare(String(b.id));
}
