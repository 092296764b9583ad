// The thread pane of the home page: posts oldest → newest with "load older",
// the composer (disabled with a note in a closed thread or an archived
// space), a post named in the route scrolled to and highlighted, and a
// refresh when a notification about the thread arrives; the thread's mute
// toggle (prefs.js).

import { $, h, setMessage, enc, announce } from './dom.js';
import { t } from './i18n.js';
import { api, errorText, session, ApiError } from './api.js';
import { renderPost, updatePost } from './post.js';
import { composer } from './composer.js';
import { muteToggle } from './prefs.js';

const PAGE = 50;
const narrow = window.matchMedia('(max-width: 960px)');

const st = {
  threadId: null,
  spaceId: null,
  thread: null,
  space: null,     // {id, name, archived, can_admin}
  hasMore: false,
  composer: null,
  refreshing: null,
};

const ctx = {
  get spaceId() { return st.spaceId; },
  writable: () => !!(st.thread && !st.thread.closed && st.space && !st.space.archived),
  canAdmin: () => !!(st.space && st.space.can_admin),
};

export function currentThreadId() { return st.threadId; }

/** The element that scrolls the posts (the list and "load older"). */
function scroller() { return $('posts').parentElement; }

function postEl(id) {
  return $('posts').querySelector(`[data-testid="post-item"][data-id="${CSS.escape(String(id))}"]`);
}

function applyState() {
  const th = st.thread;
  $('thread-title').textContent = (th && th.title) || '';
  $('thread-space').textContent = (st.space && st.space.name) || '';
  $('thread-space').href = st.space ? `#/spaces/${enc(st.space.id)}` : '#/';
  $('thread-closed-tag').hidden = !(th && th.closed);
  $('thread-archived-tag').hidden = !(st.space && st.space.archived);
  let reason = null;
  if (st.space && st.space.archived) reason = t('composer.archived');
  else if (th && th.closed) reason = t('threads.closed');
  if (st.composer) st.composer.disable(reason);
  $('thread-pane').classList.toggle('closed', !!reason);
  $('posts-older').hidden = !st.hasMore;
}

function newComposer() {
  const c = composer({
    spaceId: st.spaceId, prefix: 'post', label: t('posts.label'), submitLabel: t('posts.submit'),
    rows: 4, attachments: true,
    onSubmit: async (payload) => {
      const threadId = st.threadId;
      const data = await api('POST', `/threads/${enc(threadId)}/posts`, payload);
      if (String(st.threadId) !== String(threadId)) return;
      c.clear();
      if (data && data.post && !postEl(data.post.id)) {
        const el = renderPost(data.post, ctx);
        el.classList.add('mine');
        $('posts').append(el);
        setMessage($('posts-message'), '');
        el.scrollIntoView({ block: 'nearest' });
      } else {
        refreshThread();
      }
      announce(t('posts.posted'));
    },
  });
  return c;
}

function highlight(postId) {
  const target = $('posts').querySelector(`[data-id="${CSS.escape(String(postId))}"]`);
  if (!target) return false;
  for (const el of $('posts').querySelectorAll('.target')) el.classList.remove('target');
  target.classList.add('target');
  target.scrollIntoView({ block: 'center' });
  target.focus({ preventScroll: true });
  return true;
}

async function loadOlder() {
  const list = $('posts');
  const first = list.querySelector('[data-testid="post-item"]');
  if (!first || !st.hasMore) return false;
  const threadId = st.threadId;
  const data = await api('GET', `/threads/${enc(threadId)}/posts?limit=${PAGE}&before=${enc(first.dataset.id)}`);
  if (String(st.threadId) !== String(threadId)) return false;
  const sc = scroller();
  const keep = sc.scrollHeight - sc.scrollTop;
  const els = (data.posts || []).filter((p) => !postEl(p.id)).map((p) => renderPost(p, ctx));
  list.prepend(...els);
  sc.scrollTop = sc.scrollHeight - keep;
  st.hasMore = !!data.has_more && els.length > 0;
  applyState();
  return els.length > 0;
}

/** Show a thread (and scroll to postId); isCurrent() tells the load is still wanted. */
export async function showThread(threadId, postId, isCurrent) {
  const list = $('posts');
  $('thread-pane').hidden = false;
  $('thread-placeholder').hidden = true;
  if (String(st.threadId) !== String(threadId)) {
    st.threadId = threadId;
    st.thread = null;
    st.space = null;
    st.hasMore = false;
    list.replaceChildren();
    list.dataset.threadId = '';
    $('composer').replaceChildren();
    st.composer = null;
    $('thread-mute').replaceChildren(muteToggle('thread', threadId));
    setMessage($('posts-message'), t('common.loading'));
    applyState();
  }
  list.dataset.state = 'loading';
  try {
    const data = await api('GET', `/threads/${enc(threadId)}/posts?limit=${PAGE}`);
    if (!isCurrent()) return null;
    st.thread = data.thread || { id: threadId };
    st.space = data.space || null;
    st.hasMore = !!data.has_more;
    const spaceId = (data.space && data.space.id) ?? (data.thread && data.thread.space_id);
    if (!st.composer || String(st.spaceId) !== String(spaceId)) {
      st.spaceId = spaceId;
      st.composer = newComposer();
      $('composer').replaceChildren(st.composer.el);
    }
    list.replaceChildren(...(data.posts || []).map((p) => renderPost(p, ctx)));
    list.dataset.threadId = String(threadId);
    list.dataset.state = 'loaded';
    setMessage($('posts-message'), list.children.length ? '' : t('posts.empty'));
    applyState();
    let found = postId == null;
    for (let i = 0; !found && i < 10; i++) {
      found = !!list.querySelector(`[data-id="${CSS.escape(String(postId))}"]`);
      if (!found && !(await loadOlder())) break;
    }
    if (postId != null && highlight(postId)) {
      // shown
    } else {
      scroller().scrollTop = scroller().scrollHeight;
      const pane = $('thread-pane');
      if (narrow.matches && pane.getBoundingClientRect().top > window.innerHeight * 0.5) pane.scrollIntoView({ block: 'start' });
    }
    return data;
  } catch (e) {
    if (!isCurrent() || !session.user) return null;
    list.dataset.threadId = String(threadId);
    list.dataset.state = 'error';
    if (e instanceof ApiError) list.dataset.code = e.code;
    st.thread = null;
    applyState();
    setMessage($('posts-message'), errorText(e, 'posts.loadFailed'));
    return null;
  }
}

/** Re-read the newest posts of the open thread and merge them in. */
export function refreshThread() {
  if (st.refreshing || st.threadId == null) return st.refreshing;
  const threadId = st.threadId;
  st.refreshing = (async () => {
    try {
      const data = await api('GET', `/threads/${enc(threadId)}/posts?limit=${PAGE}`);
      if (String(st.threadId) !== String(threadId)) return;
      st.thread = data.thread || st.thread;
      st.space = data.space || st.space;
      const list = $('posts');
      const sc = scroller();
      const atBottom = sc.scrollHeight - sc.scrollTop - sc.clientHeight < 40;
      for (const p of data.posts || []) {
        const el = postEl(p.id);
        if (el) updatePost(el, p, ctx);
        else list.append(renderPost(p, ctx));
      }
      if (list.children.length) setMessage($('posts-message'), '');
      applyState();
      if (atBottom) sc.scrollTop = sc.scrollHeight;
    } catch {
      // A later notification or navigation refreshes again.
    } finally {
      st.refreshing = null;
    }
  })();
  return st.refreshing;
}

/** Leave the thread (another route, logout). */
export function clearThread() {
  st.threadId = null;
  st.thread = null;
  st.space = null;
  st.spaceId = null;
  st.composer = null;
  $('posts').replaceChildren();
  $('posts').dataset.threadId = '';
  $('composer').replaceChildren();
  $('thread-mute').replaceChildren();
  $('thread-pane').hidden = true;
}

export function initThread() {
  $('posts-older').addEventListener('click', async (ev) => {
    const btn = ev.currentTarget;
    btn.disabled = true;
    try { await loadOlder(); } catch (e) { setMessage($('posts-message'), errorText(e, 'posts.loadFailed')); } finally { btn.disabled = false; }
  });
}
