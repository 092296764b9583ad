// A post's text as DOM nodes: line breaks kept (the element is pre-wrap),
// http(s) addresses made into links, mentions of people and organisations
// highlighted. Only text nodes and elements built here; never markup.

import { h } from './dom.js';

const URL_RE = /https?:\/\/[^\s<>"'「」、。（）]+/g;
// Trailing punctuation is not part of an address.
const TRAILING = /[.,;:!?)\]}]+$/;

function linkNodes(text) {
  const out = [];
  let at = 0;
  for (const m of text.matchAll(URL_RE)) {
    let url = m[0];
    const trail = url.match(TRAILING);
    if (trail) url = url.slice(0, -trail[0].length);
    if (!url) continue;
    if (m.index > at) out.push(text.slice(at, m.index));
    out.push(h('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow', class: 'post-link' }, url));
    at = m.index + url.length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/**
 * Nodes for body. mentions: {users:[{id,name}], organisations:[{id,name}]};
 * "@<name>" of each is highlighted.
 */
export function richText(body, mentions) {
  const text = String(body ?? '');
  const names = [];
  for (const u of (mentions && mentions.users) || []) if (u && u.name) names.push({ name: u.name, kind: 'user', id: u.id });
  for (const o of (mentions && mentions.organisations) || []) if (o && o.name) names.push({ name: o.name, kind: 'organisation', id: o.id });
  names.sort((a, b) => b.name.length - a.name.length);
  const out = [];
  let at = 0;
  while (at < text.length) {
    let best = null;
    for (const n of names) {
      const i = text.indexOf(`@${n.name}`, at);
      if (i >= 0 && (!best || i < best.i)) best = { i, n };
    }
    if (!best) break;
    if (best.i > at) out.push(...linkNodes(text.slice(at, best.i)));
    out.push(h('span', {
      class: `mention mention-${best.n.kind}`, testid: 'mention', dataset: { kind: best.n.kind, id: String(best.n.id ?? '') },
    }, `@${best.n.name}`));
    at = best.i + best.n.name.length + 1;
  }
  if (at < text.length) out.push(...linkNodes(text.slice(at)));
  return out;
}

/** Nodes for a snippet with every case-insensitive occurrence of q marked. */
export function markedText(text, q) {
  const s = String(text ?? '');
  const needle = String(q ?? '').trim();
  if (!needle) return [s];
  const hay = s.toLowerCase();
  const low = needle.toLowerCase();
  const out = [];
  let at = 0;
  for (;;) {
    const i = hay.indexOf(low, at);
    if (i < 0) break;
    if (i > at) out.push(s.slice(at, i));
    out.push(h('mark', {}, s.slice(i, i + needle.length)));
    at = i + needle.length;
  }
  if (at < s.length) out.push(s.slice(at));
  return out;
}

/** A human size: 12 KB, 1.4 MB. */
export function sizeText(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
