// Unread counts of the feed (GET /feed/unread) and the badges that show
// them: the total on the feed's header and in the document's title, and
// one per space, app and patient wherever a list marks an element with
// data-unread-space / data-unread-app / data-unread-patient (unreadBadge()).
// When the counts cannot be read, no badge is shown.

import { $, h } from './dom.js';
import { t } from './i18n.js';
import { api, session } from './api.js';

const REFRESH_DELAY_MS = 250;
const CAP = 999;

const st = {
  counts: null,   // the last answer of /feed/unread, or null
  timer: null,
  seq: 0,
};

function label(n) {
  return st.counts && st.counts.capped && n >= CAP ? t('feed.unreadCapped') : String(n);
}

function paintOne(el, n) {
  el.hidden = !n;
  el.textContent = n ? label(n) : '';
  if (n) el.setAttribute('aria-label', t('feed.unreadBadge', { n: label(n) }));
  else el.removeAttribute('aria-label');
}

const KEYS = [['unreadSpace', 'spaces'], ['unreadApp', 'apps'], ['unreadPatient', 'patients']];

/** Fill every badge below root (default: the document) from the last counts. */
export function paintBadges(root = document) {
  const c = st.counts || {};
  for (const [attr, key] of KEYS) {
    const sel = `[data-${attr.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}]`;
    for (const el of root.querySelectorAll(sel)) {
      paintOne(el, (c[key] && c[key][el.dataset[attr]]) || 0);
    }
  }
  if (root === document) {
    paintOne($('unread-count'), c.total || 0);
    $('unread-count').textContent = c.total ? t('feed.unread', { n: label(c.total) }) : '';
    updateTitle();
  }
}

/** A badge for a list item: kind 'space', 'app' or 'patient'. */
export function unreadBadge(kind, id) {
  const attr = { space: 'unreadSpace', app: 'unreadApp', patient: 'unreadPatient' }[kind];
  const el = h('span', { class: 'badge unread-badge', testid: `unread-${kind}`, hidden: true });
  el.dataset[attr] = String(id);
  const c = st.counts && st.counts[`${kind}s`];
  if (c && c[id]) paintOne(el, c[id]);
  return el;
}

export function updateTitle() {
  const n = session.user && st.counts ? st.counts.total || 0 : 0;
  document.title = (n ? `(${label(n)}) ` : '') + t('app.title');
}

/** Take counts as answered (by /feed/unread or a mark's answer). */
export function setCounts(counts) {
  if (!session.user) return;
  st.counts = counts && typeof counts === 'object' ? counts : null;
  paintBadges();
}

/** The last counts (or null). */
export function currentCounts() { return st.counts; }

/** Re-read the counts now. */
export async function loadCounts() {
  const seq = ++st.seq;
  try {
    const data = await api('GET', '/feed/unread');
    if (seq !== st.seq || !session.user) return;
    setCounts(data);
  } catch {
    if (seq !== st.seq || !session.user) return;
    setCounts(null);
  }
}

/** Re-read the counts soon (live events come in bursts). */
export function refreshCounts() {
  clearTimeout(st.timer);
  st.timer = setTimeout(loadCounts, REFRESH_DELAY_MS);
}

export function clearCounts() {
  clearTimeout(st.timer);
  st.timer = null;
  st.seq++;
  st.counts = null;
  paintBadges();
}
