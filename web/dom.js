// Small DOM helpers shared by every page. User content is only ever
// inserted as text (text nodes, textContent), never as HTML.

import { t, formatDate, formatDateLong } from './i18n.js';

export const $ = (id) => document.getElementById(id);

/** Build an element. Children may be nodes or strings (inserted as text). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'testid') el.dataset.testid = v;
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function setMessage(el, text) {
  el.textContent = text || '';
  el.hidden = !text;
}

export function timeEl(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return h('time', { class: 'time' }, '');
  return h('time', { class: 'time', datetime: iso, title: formatDateLong(d) }, formatDate(d));
}

export function enc(id) { return encodeURIComponent(String(id)); }

export function announce(text) {
  const live = $('live');
  const p = h('p', {}, text);
  live.append(p);
  while (live.childNodes.length > 5) live.firstChild.remove();
  setTimeout(() => p.remove(), 15000);
}

/** A labelled form field: label + control (+ optional hint). */
export function field(id, label, control, hint) {
  control.id = id;
  const hintEl = hint ? h('p', { class: 'muted small hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

/** A section of a page: title and content in a card. */
export function section(title, ...children) {
  return h('section', { class: 'card page-section' }, h('h2', { class: 'section-title' }, title), ...children);
}

/** An error line that forms write into (role=alert). */
export function errorLine(testid) {
  return h('p', { class: 'form-error', role: 'alert', testid });
}

/** A button that copies the text of a field to the clipboard. */
export function copyButton(getText, testid) {
  const btn = h('button', { type: 'button', class: 'secondary small-btn', testid }, t('common.copy'));
  btn.addEventListener('click', async () => {
    const text = getText();
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      ok = false;
    }
    btn.textContent = ok ? t('common.copied') : t('common.copyFailed');
    setTimeout(() => { btn.textContent = t('common.copy'); }, 2500);
  });
  return btn;
}

/** Run an async action with the button disabled meanwhile. */
export async function busy(btn, fn) {
  if (btn.disabled) return undefined;
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
  }
}

/** The first array in an API answer: data[key] when present. */
export function listOf(data, key) {
  if (data && Array.isArray(data[key])) return data[key];
  if (data && typeof data === 'object') {
    for (const v of Object.values(data)) if (Array.isArray(v)) return v;
  }
  return [];
}

/** Text of a profile's areas (a list or a text). */
export function areasText(areas) {
  if (Array.isArray(areas)) return areas.filter(Boolean).join('、');
  return areas ? String(areas) : '';
}

/** URL-safe data: URL for an SVG document, so it is shown as an image, never as markup. */
export function svgDataUrl(svg) {
  const bytes = new TextEncoder().encode(String(svg));
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:image/svg+xml;base64,${btoa(bin)}`;
}
