// The notification feed on the left of the home page: newest first, live
// from the stream, re-read now and then as a safety net.

import { $, h, setMessage, timeEl, announce } from './dom.js';
import { t } from './i18n.js';
import { api, errorText, session } from './api.js';
import { startStream, stopStream } from './stream.js';
import { personLink } from './people.js';

const FEED_LIMIT = 50;
const FEED_MAX_ITEMS = 300;
const SNIPPET_CHARS = 140;
// Safety net for a live push lost on the server side: re-read the feed
// now and then while the page is visible (new items merge by id).
const FEED_RESYNC_MS = 60000;

const state = {
  feed: new Map(),     // notification id (string) -> notification
  resyncTimer: null,
  lastFeedLoad: 0,
  onThreadNews: null,  // fn(threadId): a notification about that thread came in
  onSpaceNews: null,   // fn(): a notification of a new space came in
};

function snippet(text, n = SNIPPET_CHARS) {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function timeKey(n) {
  const ms = Date.parse(n.created_at);
  return Number.isNaN(ms) ? 0 : ms;
}

/** Notifications newest first. */
function newerFirst(a, b) {
  const dt = timeKey(b) - timeKey(a);
  if (dt !== 0) return dt;
  const na = Number(a.id), nb = Number(b.id);
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return nb - na;
  return String(b.id).localeCompare(String(a.id));
}

/** Only same-page routes are followed from notification links. */
function safeLink(link) {
  return typeof link === 'string' && /^#\/[A-Za-z0-9_\-./%]*$/.test(link) ? link : null;
}

function renderFeedItem(n) {
  const link = safeLink(n.link);
  const unread = n.read === false;
  const inner = [
    unread ? h('span', { class: 'visually-hidden' }, t('feed.unreadPrefix')) : null,
    h('span', { class: 'feed-title' }, n.title || ''),
    h('span', { class: 'feed-body' }, snippet(n.body)),
  ];
  return h('li', {
    class: 'feed-item' + (unread ? ' unread' : ''),
    testid: 'feed-item',
    dataset: { id: String(n.id), kind: n.kind || '' },
  },
  link ? h('a', { href: link, class: 'feed-link' }, inner) : h('div', { class: 'feed-link' }, inner),
  h('span', { class: 'feed-meta' },
    n.actor && n.actor.name ? personLink(n.actor, 'feed-actor') : null,
    timeEl(n.created_at)));
}

function addNotification(n, live) {
  if (!n || n.id == null) return false;
  const id = String(n.id);
  if (state.feed.has(id)) return false;
  state.feed.set(id, n);
  const list = $('feed');
  const el = renderFeedItem(n);
  if (live) {
    el.classList.add('fresh');
    list.prepend(el);
  } else {
    // Keep newest first when merging a fetched page into live items.
    let before = null;
    for (const child of list.children) {
      const other = state.feed.get(child.dataset.id);
      if (other && newerFirst(n, other) < 0) { before = child; break; }
    }
    list.insertBefore(el, before);
  }
  while (list.children.length > FEED_MAX_ITEMS) {
    const last = list.lastElementChild;
    state.feed.delete(last.dataset.id);
    last.remove();
  }
  setMessage($('feed-message'), '');
  return true;
}

function unreadCount() {
  let unread = 0;
  for (const n of state.feed.values()) if (n.read === false) unread++;
  return unread;
}

function updateUnread() {
  const unread = unreadCount();
  const badge = $('unread-count');
  badge.textContent = unread ? t('feed.unread', { n: unread }) : '';
  badge.hidden = !unread;
  updateTitle();
}

export function updateTitle() {
  const unread = session.user ? unreadCount() : 0;
  document.title = (unread ? `(${unread}) ` : '') + t('app.title');
}

async function loadFeed() {
  state.lastFeedLoad = Date.now();
  try {
    const data = await api('GET', `/feed?limit=${FEED_LIMIT}`);
    if (!session.user) return;
    for (const n of data.notifications || []) addNotification(n, false);
    updateUnread();
    setMessage($('feed-message'), state.feed.size ? '' : t('feed.empty'));
  } catch (e) {
    if (!session.user) return;
    if (!state.feed.size) setMessage($('feed-message'), errorText(e, 'feed.loadFailed'));
  }
}

function onNotification(n) {
  if (!addNotification(n, true)) return;
  updateUnread();
  const actor = n.actor && n.actor.name ? `${n.actor.name}：` : '';
  announce(t('feed.announce', { text: `${actor}${n.title || ''}` }));
  // Keep an open thread current when someone else posts to it.
  const m = typeof n.link === 'string' && n.link.match(/^#\/threads\/([^/]+)/);
  if (m && state.onThreadNews) state.onThreadNews(decodeURIComponent(m[1]));
  // A new space one may see joins the list at once.
  if (n.kind === 'space' && state.onSpaceNews) state.onSpaceNews();
  // Open pages that follow a kind of news (the vacancy pages) hear of it.
  window.dispatchEvent(new CustomEvent('carelink:notification', { detail: n }));
}

/** Highest notification id shown, to resume a stream opened anew. */
function lastNotificationId() {
  let max = -1;
  for (const id of state.feed.keys()) {
    const n = Number(id);
    if (Number.isSafeInteger(n) && n > max) max = n;
  }
  return max;
}

// ------------------------------------------------------------ entry points

export function initFeed() {
  document.addEventListener('visibilitychange', () => {
    if (session.user && document.visibilityState === 'visible'
        && Date.now() - state.lastFeedLoad > FEED_RESYNC_MS / 2) loadFeed();
  });
}

/** Load the feed and attach the live stream; hooks: onLost, onEnrol, onThreadNews, onSpaceNews. */
export function startFeed({ onLost, onEnrol, onThreadNews, onSpaceNews }) {
  state.onThreadNews = onThreadNews;
  state.onSpaceNews = onSpaceNews;
  startStream({ onOpen: loadFeed, onNotification, onLost, onEnrol, lastId: lastNotificationId });
  loadFeed();
  clearInterval(state.resyncTimer);
  state.resyncTimer = setInterval(() => {
    if (session.user && document.visibilityState === 'visible') loadFeed();
  }, FEED_RESYNC_MS);
}

/** Detach the stream and forget every notification shown. */
export function stopFeed() {
  stopStream();
  clearInterval(state.resyncTimer);
  state.resyncTimer = null;
  state.feed.clear();
  $('feed').replaceChildren();
  setMessage($('feed-message'), t('common.loading'));
  updateUnread();
}

/** Re-render the items after a language switch. */
export function relabelFeed() {
  const items = [...state.feed.values()].sort(newerFirst);
  $('feed').replaceChildren(...items.map(renderFeedItem));
  updateUnread();
  if (!state.feed.size && !$('feed-message').hidden) setMessage($('feed-message'), t('feed.empty'));
}
