// The notification feed on the left of every page: newest first with the
// unread urgent ones on top, unread ones marked (also for screen readers),
// live from the stream, filters (all, urgent only, mentions, a space),
// "more" by cursor, opening an item marks it read, mark all / a space read,
// and the unread counts (feedcounts.js) refreshed on every live event.

import { $, h, setMessage, timeEl, announce } from './dom.js';
import { t } from './i18n.js';
import { api, errorText, session } from './api.js';
import { startStream, stopStream } from './stream.js';
import { personLink } from './people.js';
import {
  loadCounts, refreshCounts, setCounts, clearCounts, paintBadges, updateTitle as titleFromCounts,
} from './feedcounts.js';
import { getPrefs, onPrefsChange, forgetPrefs, cachedPrefs } from './prefs.js';

const FEED_LIMIT = 50;
const FEED_MAX_ITEMS = 500;
const SNIPPET_CHARS = 140;
// Safety net for a live push lost on the server side: re-read the newest
// page now and then while the page is visible (items merge by id).
const FEED_RESYNC_MS = 60000;
const COLLAPSE_KEY = 'carelink.feedCollapsed';

const state = {
  items: new Map(),    // notification id (string) -> notification shown
  filter: 'all',       // 'all' | 'urgent' | 'mentions' | 'space:<id>'
  nextBefore: null,
  maxId: -1,           // highest notification id seen (the stream resumes after it)
  loadSeq: 0,
  arrived: null,       // live items received while a replacing load is under way
  spaces: [],          // [{id, name}] for the filter
  resyncTimer: null,
  lastFeedLoad: 0,
  onThreadNews: null,  // fn(threadId): a notification about that thread came in
  onSpaceNews: null,   // fn(): a notification of a new space came in
};

export const updateTitle = titleFromCounts;

function snippet(text, n = SNIPPET_CHARS) {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function idNum(n) {
  const v = Number(n.id);
  return Number.isFinite(v) ? v : 0;
}

const pinned = (n) => !!n.urgent && n.read === false;

/** The feed's order: unread urgent ones first, then newest first. */
function before(a, b) {
  if (pinned(a) !== pinned(b)) return pinned(a) ? -1 : 1;
  return idNum(b) - idNum(a);
}

/** Only same-page routes are followed from notification links. */
function safeLink(link) {
  return typeof link === 'string' && /^#\/[A-Za-z0-9_\-./%?=&]*$/.test(link) ? link : null;
}

function renderFeedItem(n) {
  const link = safeLink(n.link);
  const unread = n.read === false;
  const inner = [
    unread ? h('span', { class: 'visually-hidden' }, t('feed.unreadPrefix')) : null,
    n.urgent ? h('span', { class: 'feed-urgent-tag', testid: 'feed-urgent-tag' }, t('feed.urgentTag')) : null,
    h('span', { class: 'feed-title' }, unread ? h('span', { class: 'feed-dot', 'aria-hidden': 'true' }) : null, n.title || ''),
    h('span', { class: 'feed-body' }, snippet(n.body)),
  ];
  const open = () => { if (n.read === false) markRead([n.id]); };
  const el = h('li', {
    class: 'feed-item' + (unread ? ' unread' : '') + (n.urgent ? ' urgent' : ''),
    testid: 'feed-item',
    dataset: {
      id: String(n.id), kind: n.kind || '', read: String(!unread), urgent: String(!!n.urgent),
      spaceId: n.space_id != null ? String(n.space_id) : '',
    },
  },
  link ? h('a', { href: link, class: 'feed-link', onclick: open }, inner)
    : h('button', { type: 'button', class: 'feed-link feed-link-button', onclick: open }, inner),
  h('span', { class: 'feed-meta' },
    n.actor && n.actor.name ? personLink(n.actor, 'feed-actor') : null,
    timeEl(n.created_at)));
  if (n.silent) el.dataset.silent = 'true';
  return el;
}

function itemEl(id) {
  return $('feed').querySelector(`[data-testid="feed-item"][data-id="${CSS.escape(String(id))}"]`);
}

/** Put el where n belongs in the list. */
function place(el, n) {
  const list = $('feed');
  let next = null;
  for (const child of list.children) {
    if (child === el) continue;
    const other = state.items.get(child.dataset.id);
    if (other && before(n, other) < 0) { next = child; break; }
  }
  if (el.nextSibling !== next || el.parentNode !== list) list.insertBefore(el, next);
}

function seen(n) {
  const v = idNum(n);
  if (Number.isSafeInteger(v) && v > state.maxId) state.maxId = v;
}

function matchesFilter(n) {
  if (state.filter === 'urgent') return !!n.urgent;
  if (state.filter === 'mentions') return n.kind === 'mention';
  if (state.filter.startsWith('space:')) return n.space_id != null && String(n.space_id) === state.filter.slice(6);
  const p = cachedPrefs();
  if (p && p.urgent_only) return !!n.urgent;
  return true;
}

/** Show n (new) or bring a shown one up to date (its read state). */
function upsert(n, live) {
  if (!n || n.id == null) return false;
  seen(n);
  const id = String(n.id);
  const old = state.items.get(id);
  if (old) {
    if (old.read !== n.read && n.read === true) setRead(id);
    return false;
  }
  state.items.set(id, n);
  const el = renderFeedItem(n);
  if (live) el.classList.add('fresh');
  place(el, n);
  const list = $('feed');
  while (list.children.length > FEED_MAX_ITEMS) {
    const last = list.lastElementChild;
    state.items.delete(last.dataset.id);
    last.remove();
    state.nextBefore = Math.min(...[...state.items.values()].map(idNum));
    $('feed-more').hidden = false;
  }
  setMessage($('feed-message'), '');
  return true;
}

/** Mark one shown item read in the page (no call). */
function setRead(id) {
  const n = state.items.get(String(id));
  if (!n || n.read !== false) return;
  n.read = true;
  const el = itemEl(id);
  if (!el) return;
  el.classList.remove('unread');
  el.dataset.read = 'true';
  for (const x of el.querySelectorAll('.feed-link > .visually-hidden, .feed-dot')) x.remove();
  // an urgent one leaves the top once read (later: the link may be in use)
  if (n.urgent) setTimeout(() => { if (el.isConnected) place(el, n); }, 0);
}

/** Mark read in the page what a mark covers ({ids} | {space_id, up_to} | {all, up_to}). */
function applyMark(mark) {
  if (!mark) return;
  if (Array.isArray(mark.ids) && mark.ids.length) {
    for (const id of mark.ids) setRead(id);
  }
  const upTo = Number(mark.up_to);
  if (mark.up_to == null || !Number.isFinite(upTo)) return;
  for (const n of [...state.items.values()]) {
    if (n.read !== false || idNum(n) > upTo) continue;
    if (mark.space_id != null && String(n.space_id) !== String(mark.space_id)) continue;
    setRead(n.id);
  }
}

function filterQuery() {
  const q = new URLSearchParams({ limit: String(FEED_LIMIT) });
  if (state.filter === 'urgent') q.set('urgent', '1');
  else if (state.filter === 'mentions') q.set('mentions', '1');
  else if (state.filter.startsWith('space:')) q.set('space', state.filter.slice(6));
  return q;
}

function emptyText() {
  return state.filter === 'all' ? t('feed.empty') : t('feed.emptyFilter');
}

/** Read the newest page: replace shows only it, otherwise it merges. */
async function loadFeed({ replace = false } = {}) {
  const seq = ++state.loadSeq;
  state.lastFeedLoad = Date.now();
  if (replace) {
    setMessage($('feed-message'), t('common.loading'));
    state.arrived = [];
  }
  try {
    const data = await api('GET', `/feed?${filterQuery()}`);
    if (!session.user || seq !== state.loadSeq) return;
    const arrived = replace ? state.arrived || [] : [];
    if (replace) {
      state.arrived = null;
      state.items.clear();
      $('feed').replaceChildren();
    }
    const items = data.notifications || [];
    for (const n of items) upsert(n, false);
    // what came live while the page was being read is not lost
    for (const n of arrived) if (matchesFilter(n)) upsert(n, true);
    if (replace || state.nextBefore == null) state.nextBefore = data.next_before ?? null;
    $('feed-more').hidden = state.nextBefore == null;
    setMessage($('feed-message'), state.items.size ? '' : emptyText());
  } catch (e) {
    if (!session.user || seq !== state.loadSeq) return;
    if (replace) state.arrived = null;
    if (replace || !state.items.size) setMessage($('feed-message'), errorText(e, 'feed.loadFailed'));
  }
}

async function loadMore() {
  if (state.nextBefore == null) return;
  const btn = $('feed-more');
  btn.disabled = true;
  const seq = state.loadSeq;
  try {
    const q = filterQuery();
    q.set('before', String(state.nextBefore));
    const data = await api('GET', `/feed?${q}`);
    if (!session.user || seq !== state.loadSeq) return;
    for (const n of data.notifications || []) upsert(n, false);
    state.nextBefore = data.next_before ?? null;
    btn.hidden = state.nextBefore == null;
  } catch (e) {
    setMessage($('feed-message'), errorText(e, 'feed.loadFailed'));
  } finally {
    btn.disabled = false;
  }
}

/** Re-read the feed and the counts (a gap in the stream, a reset). */
function refetchAll() {
  loadFeed();
  loadCounts();
}

async function postRead(body) {
  try {
    const res = await api('POST', '/feed/read', body);
    if (!session.user) return null;
    if (res && res.read) applyMark(res.read);
    if (res && res.unread) setCounts(res.unread);
    else refreshCounts();
    return res;
  } catch (e) {
    if (session.user) {
      setMessage($('feed-message'), errorText(e, 'feed.readFailed'));
      refreshCounts();
    }
    return null;
  }
}

/** Mark these notifications read (opening an item). */
export function markRead(ids) {
  for (const id of ids) setRead(id);
  return postRead({ ids: ids.map(Number) });
}

/** Mark everything of one space read; true when done. */
export async function markSpaceRead(spaceId) {
  return !!(await postRead({ space_id: String(spaceId) }));
}

async function markAllRead() {
  const btn = $('feed-read-all');
  btn.disabled = true;
  try {
    if (await postRead({ all: true })) announce(t('feed.readAllDone'));
  } finally {
    btn.disabled = false;
  }
}

// ------------------------------------------------------------------ live

function onNotification(n) {
  if (!n || n.id == null) return;
  seen(n);
  if (n.read == null) n.read = false;
  if (state.arrived) state.arrived.push(n);
  const shown = matchesFilter(n) && upsert(n, true);
  refreshCounts();
  if (shown && !n.silent) {
    const actor = n.actor && n.actor.name ? `${n.actor.name}：` : '';
    announce(t('feed.announce', { text: `${n.urgent ? t('feed.urgentPrefix') : ''}${actor}${n.title || ''}` }));
  }
  // Keep an open thread current when someone else posts to it.
  const m = typeof n.link === 'string' && n.link.match(/^#\/threads\/([^/]+)/);
  if (m && state.onThreadNews) state.onThreadNews(decodeURIComponent(m[1]));
  // A new space one may see joins the list at once.
  if (n.kind === 'space' && state.onSpaceNews) state.onSpaceNews();
  // Open pages that follow a kind of news (the vacancy pages) hear of it.
  window.dispatchEvent(new CustomEvent('carelink:notification', { detail: n }));
}

function onRead(mark) {
  applyMark(mark);
  refreshCounts();
}

// --------------------------------------------------------------- filters

function paintFilter() {
  const sel = $('feed-filter');
  const opts = [
    h('option', { value: 'all' }, t('feed.filter.all')),
    h('option', { value: 'urgent' }, t('feed.filter.urgent')),
    h('option', { value: 'mentions' }, t('feed.filter.mentions')),
  ];
  const spaces = [...state.spaces];
  if (state.filter.startsWith('space:') && !spaces.some((s) => `space:${s.id}` === state.filter)) {
    spaces.push({ id: state.filter.slice(6), name: state.filter.slice(6) });
  }
  if (spaces.length) {
    opts.push(h('optgroup', { label: t('feed.filter.spaces') },
      spaces.map((s) => h('option', { value: `space:${s.id}` }, t('feed.filter.space', { name: s.name || s.id })))));
  }
  sel.replaceChildren(...opts);
  sel.value = state.filter;
  const p = cachedPrefs();
  $('feed-mode').hidden = !(p && p.urgent_only && state.filter === 'all');
}

/** Show the feed with this filter ('all', 'urgent', 'mentions', 'space:<id>'). */
export function setFilter(filter) {
  state.filter = filter || 'all';
  state.nextBefore = null;
  paintFilter();
  loadFeed({ replace: true });
}

function onSpacesLoaded(ev) {
  state.spaces = (ev.detail || []).map((s) => ({ id: String(s.id), name: s.name || '' }));
  paintFilter();
}

// ------------------------------------------------------------ entry points

function setCollapsed(on) {
  $('feed-col').classList.toggle('collapsed', on);
  $('feed-toggle').setAttribute('aria-expanded', String(!on));
  $('feed-toggle').textContent = t(on ? 'feed.show' : 'feed.hide');
  try { sessionStorage.setItem(COLLAPSE_KEY, on ? '1' : ''); } catch { /* private mode */ }
}

export function initFeed() {
  document.addEventListener('visibilitychange', () => {
    if (session.user && document.visibilityState === 'visible'
        && Date.now() - state.lastFeedLoad > FEED_RESYNC_MS / 2) refetchAll();
  });
  $('feed-filter').addEventListener('change', (ev) => setFilter(ev.target.value));
  $('feed-more').addEventListener('click', loadMore);
  $('feed-read-all').addEventListener('click', markAllRead);
  $('feed-toggle').addEventListener('click', () => setCollapsed(!$('feed-col').classList.contains('collapsed')));
  window.addEventListener('carelink:spaces', onSpacesLoaded);
  onPrefsChange(() => {
    if (!session.user) return;
    paintFilter();
    loadFeed({ replace: true });
    loadCounts();
  });
  let collapsed = false;
  try { collapsed = sessionStorage.getItem(COLLAPSE_KEY) === '1'; } catch { /* private mode */ }
  setCollapsed(collapsed);
  paintFilter();
}

/** Load the feed and attach the live stream; hooks: onLost, onEnrol, onThreadNews, onSpaceNews. */
export function startFeed({ onLost, onEnrol, onThreadNews, onSpaceNews }) {
  state.onThreadNews = onThreadNews;
  state.onSpaceNews = onSpaceNews;
  startStream({
    onOpen: refetchAll,
    onNotification,
    onRead,
    onGap: refetchAll,
    onLost,
    onEnrol,
    lastId: () => state.maxId,
  });
  getPrefs().then(() => { if (session.user) paintFilter(); }).catch(() => {});
  loadFeed({ replace: true });
  loadCounts();
  clearInterval(state.resyncTimer);
  state.resyncTimer = setInterval(() => {
    if (session.user && document.visibilityState === 'visible') refetchAll();
  }, FEED_RESYNC_MS);
}

/** Detach the stream and forget every notification shown. */
export function stopFeed() {
  stopStream();
  clearInterval(state.resyncTimer);
  state.resyncTimer = null;
  state.loadSeq++;
  state.arrived = null;
  state.items.clear();
  state.maxId = -1;
  state.nextBefore = null;
  state.filter = 'all';
  state.spaces = [];
  forgetPrefs();
  $('feed').replaceChildren();
  $('feed-more').hidden = true;
  setMessage($('feed-message'), t('common.loading'));
  clearCounts();
  paintFilter();
}

/** Re-render the items after a language switch. */
export function relabelFeed() {
  const items = [...state.items.values()].sort(before);
  $('feed').replaceChildren(...items.map(renderFeedItem));
  paintFilter();
  paintBadges();
  setCollapsed($('feed-col').classList.contains('collapsed'));
  if (!state.items.size && !$('feed-message').hidden) setMessage($('feed-message'), emptyText());
}
