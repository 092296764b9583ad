// The home page: the notification feed (feed.js) on the left; spaces →
// threads → posts on the right.

import { $, h, setMessage, timeEl, enc, announce } from './dom.js';
import { t } from './i18n.js';
import { api, errorText, session } from './api.js';
import { initFeed, startFeed, stopFeed, relabelFeed } from './feed.js';
import { personLink } from './people.js';

const state = {
  spaceId: null,       // space whose threads are shown
  threadId: null,      // thread whose posts are shown
  threadClosed: new Map(),
  navSeq: 0,
};

const narrow = window.matchMedia('(max-width: 960px)');

// ----------------------------------------------------------------- spaces

async function loadSpaces() {
  try {
    const data = await api('GET', '/spaces');
    if (!session.user) return;
    const list = $('spaces');
    list.replaceChildren(...(data.spaces || []).map((s) => h('li', {},
      h('a', {
        class: 'nav-item space-item',
        href: `#/spaces/${enc(s.id)}`,
        testid: 'space-item',
        dataset: { id: String(s.id) },
        title: s.description || null,
      }, h('span', { class: 'nav-name' }, s.name || '')))));
    setMessage($('spaces-message'), list.children.length ? '' : t('spaces.empty'));
    markCurrent();
  } catch (e) {
    if (session.user) setMessage($('spaces-message'), errorText(e, 'spaces.loadFailed'));
  }
}

function markCurrent() {
  for (const a of $('spaces').querySelectorAll('a')) {
    if (a.dataset.id === String(state.spaceId)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  for (const a of $('threads').querySelectorAll('a')) {
    if (a.dataset.id === String(state.threadId)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function showSpace(spaceId, seq) {
  const list = $('threads');
  $('space-pane').hidden = false;
  if (String(state.spaceId) !== String(spaceId)) {
    state.spaceId = spaceId;
    $('space-name').textContent = '';
    $('space-desc').textContent = '';
    list.replaceChildren();
    list.dataset.spaceId = '';
    setMessage($('threads-message'), t('common.loading'));
  }
  list.dataset.state = 'loading';
  markCurrent();
  try {
    const data = await api('GET', `/spaces/${enc(spaceId)}`);
    if (seq !== state.navSeq) return;
    $('space-name').textContent = data.space?.name || '';
    $('space-desc').textContent = data.space?.description || '';
    const threads = [...(data.threads || [])].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    for (const th of threads) state.threadClosed.set(String(th.id), !!th.closed);
    list.replaceChildren(...threads.map((th) => h('li', {},
      h('a', {
        class: 'nav-item thread-item' + (th.closed ? ' closed' : ''),
        href: `#/threads/${enc(th.id)}`,
        testid: 'thread-item',
        dataset: { id: String(th.id) },
      },
      h('span', { class: 'nav-name' }, th.title || ''),
      th.closed ? h('span', { class: 'tag' }, t('threads.closedTag')) : null))));
    list.dataset.spaceId = String(spaceId);
    list.dataset.state = 'loaded';
    setMessage($('threads-message'), threads.length ? '' : t('threads.empty'));
    markCurrent();
    applyClosed();
    const current = list.querySelector('[aria-current="page"]');
    if (current && !narrow.matches) current.scrollIntoView({ block: 'nearest' });
  } catch (e) {
    if (seq !== state.navSeq || !session.user) return;
    list.dataset.spaceId = String(spaceId);
    list.dataset.state = 'error';
    setMessage($('threads-message'), errorText(e, 'threads.loadFailed'));
  }
}

// ------------------------------------------------------------------ posts

function renderPost(p) {
  const author = p.author || {};
  const org = author.organisation || {};
  return h('li', {
    class: 'post', id: `post-${p.id}`, testid: 'post-item', dataset: { id: String(p.id) }, tabindex: '-1',
  },
  h('article', {},
    h('header', { class: 'post-head' },
      personLink(author, 'post-author'),
      org.name ? h('span', { class: 'post-org' }, org.name) : null,
      timeEl(p.created_at)),
    h('div', { class: 'post-text' }, p.body ?? '')));
}

function appendPost(p) {
  const list = $('posts');
  if (list.querySelector(`[data-id="${CSS.escape(String(p.id))}"]`)) return null;
  const el = renderPost(p);
  list.append(el);
  setMessage($('posts-message'), '');
  return el;
}

function applyClosed() {
  const closed = state.threadId != null && state.threadClosed.get(String(state.threadId)) === true;
  $('post-form').hidden = closed;
  $('thread-closed').hidden = !closed;
  $('thread-pane').classList.toggle('closed', closed);
  if (closed) $('post-error').textContent = '';
}

async function showThread(threadId, postId, seq) {
  const pane = $('thread-pane');
  const list = $('posts');
  pane.hidden = false;
  $('thread-placeholder').hidden = true;
  if (String(state.threadId) !== String(threadId)) {
    state.threadId = threadId;
    $('thread-title').textContent = '';
    list.replaceChildren();
    list.dataset.threadId = '';
    $('post-body').value = '';
    $('post-error').textContent = '';
    setMessage($('posts-message'), t('common.loading'));
  }
  list.dataset.state = 'loading';
  markCurrent();
  applyClosed();
  try {
    const data = await api('GET', `/threads/${enc(threadId)}/posts`);
    if (seq !== state.navSeq) return;
    $('thread-title').textContent = data.thread?.title || '';
    list.replaceChildren(...(data.posts || []).map(renderPost));
    list.dataset.threadId = String(threadId);
    list.dataset.state = 'loaded';
    setMessage($('posts-message'), list.children.length ? '' : t('posts.empty'));
    let target = null;
    if (postId != null) target = list.querySelector(`[data-id="${CSS.escape(String(postId))}"]`);
    if (target) {
      target.classList.add('target');
      target.scrollIntoView({ block: 'center' });
      target.focus({ preventScroll: true });
    } else {
      list.scrollTop = list.scrollHeight;
      // Single-column layout: bring the thread into view below the lists.
      if (narrow.matches && pane.getBoundingClientRect().top > window.innerHeight * 0.5) {
        pane.scrollIntoView({ block: 'start' });
      }
    }
    const spaceId = data.thread?.space_id;
    const threads = $('threads');
    if (spaceId != null && (String(spaceId) !== String(state.spaceId)
        || threads.dataset.spaceId !== String(spaceId) || threads.dataset.state !== 'loaded')) {
      showSpace(spaceId, seq);
    } else {
      applyClosed();
    }
  } catch (e) {
    if (seq !== state.navSeq || !session.user) return;
    list.dataset.threadId = String(threadId);
    list.dataset.state = 'error';
    setMessage($('posts-message'), errorText(e, 'posts.loadFailed'));
  }
}

let refreshing = null;
function refreshPosts() {
  if (refreshing) return refreshing;
  const threadId = state.threadId;
  refreshing = (async () => {
    try {
      const data = await api('GET', `/threads/${enc(threadId)}/posts`);
      if (String(state.threadId) !== String(threadId)) return;
      const list = $('posts');
      const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
      for (const p of data.posts || []) appendPost(p);
      if (atBottom) list.scrollTop = list.scrollHeight;
    } catch {
      // A later notification or navigation refreshes again.
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function onPost(ev) {
  ev.preventDefault();
  const ta = $('post-body');
  const err = $('post-error');
  const threadId = state.threadId;
  const body = ta.value;
  if (!body.trim()) {
    err.textContent = t('posts.bodyRequired');
    ta.focus();
    return;
  }
  const btn = $('post-submit');
  if (btn.disabled) return;
  btn.disabled = true;
  ta.readOnly = true;
  ta.setAttribute('aria-busy', 'true');
  err.textContent = '';
  try {
    const data = await api('POST', `/threads/${enc(threadId)}/posts`, { body });
    if (String(state.threadId) !== String(threadId)) return;
    ta.value = '';
    const el = data && data.post ? appendPost(data.post) : null;
    if (el) {
      el.classList.add('mine');
      el.scrollIntoView({ block: 'nearest' });
    } else {
      refreshPosts();
    }
    announce(t('posts.posted'));
  } catch (e) {
    if (!session.user) return;
    err.textContent = errorText(e, 'posts.postFailed');
  } finally {
    btn.disabled = false;
    ta.readOnly = false;
    ta.removeAttribute('aria-busy');
  }
}

// ------------------------------------------------------------ entry points

export function initHome() {
  initFeed();
  $('post-form').addEventListener('submit', onPost);
  $('post-body').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      $('post-form').requestSubmit();
    }
  });
}

/** Start the feed, the stream and the spaces for the person just logged in. */
export function enterHome({ onLost, onEnrol }) {
  startFeed({
    onLost,
    onEnrol,
    onThreadNews: (threadId) => {
      if (state.threadId != null && threadId === String(state.threadId)) refreshPosts();
    },
  });
  loadSpaces();
}

/** Forget everything shown (logout, session ended). */
export function leaveHome() {
  stopFeed();
  state.spaceId = null;
  state.threadId = null;
  state.threadClosed.clear();
  state.navSeq++;
  for (const id of ['spaces', 'threads', 'posts']) $(id).replaceChildren();
  $('space-pane').hidden = true;
  $('thread-pane').hidden = true;
  $('post-body').value = '';
  setMessage($('spaces-message'), t('common.loading'));
}

/** Show the spaces / thread named by the route ({name, spaceId, threadId, postId}). */
export function showHome(r) {
  const seq = ++state.navSeq;
  if (r.name === 'thread') {
    showThread(r.threadId, r.postId, seq);
    return;
  }
  state.threadId = null;
  $('thread-pane').hidden = true;
  $('thread-placeholder').hidden = false;
  $('posts').replaceChildren();
  $('posts').dataset.threadId = '';
  if (r.name === 'space') {
    showSpace(r.spaceId, seq);
  } else {
    state.spaceId = null;
    $('space-pane').hidden = true;
    markCurrent();
  }
}

/** Re-render what holds translated text after a language switch. */
export function relabelHome() {
  relabelFeed();
  if (session.user) loadSpaces();
}
