// carelink web UI: login, live notification feed, spaces → threads → posts.
// Plain ES module, no build step. User content is only ever rendered with
// textContent / text nodes, never as HTML.

const API = '/api/v1';
const FEED_LIMIT = 50;
const FEED_MAX_ITEMS = 300;
const SNIPPET_CHARS = 140;
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30000;
// Safety net for a live push lost on the server side: re-read the feed
// now and then while the page is visible (new items merge by id).
const FEED_RESYNC_MS = 60000;

const state = {
  user: null,
  csrf: null,
  // notification id (string) -> notification object
  feed: new Map(),
  es: null,
  streamDown: false,
  reconnectTimer: null,
  reconnectDelay: RECONNECT_MIN_MS,
  resyncTimer: null,
  lastFeedLoad: 0,
  spaceId: null,        // space whose threads are shown
  threadId: null,       // thread whose posts are shown
  threadClosed: new Map(), // thread id -> closed flag, from space listings
  navSeq: 0,
};

const $ = (id) => document.getElementById(id);
const narrow = window.matchMedia('(max-width: 960px)');

// ---------------------------------------------------------------- helpers

/** Build an element. Children may be nodes or strings (inserted as text). */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

const tz = 'Asia/Tokyo';
const fmtShort = new Intl.DateTimeFormat('ja-JP', {
  year: 'numeric', month: 'numeric', day: 'numeric',
  hour: '2-digit', minute: '2-digit', timeZone: tz,
});
const fmtLong = new Intl.DateTimeFormat('ja-JP', {
  dateStyle: 'full', timeStyle: 'medium', timeZone: tz,
});

function timeEl(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return h('time', { class: 'time' }, '');
  return h('time', { class: 'time', datetime: iso, title: fmtLong.format(d) }, fmtShort.format(d));
}

function snippet(text, n = SNIPPET_CHARS) {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function enc(id) { return encodeURIComponent(String(id)); }

function timeKey(n) {
  const t = Date.parse(n.created_at);
  return Number.isNaN(t) ? 0 : t;
}

/** Sort key comparison for notifications: newer first. */
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

function announce(text) {
  const live = $('live');
  const p = h('p', {}, text);
  live.append(p);
  while (live.childNodes.length > 5) live.firstChild.remove();
  setTimeout(() => p.remove(), 15000);
}

function setMessage(el, text) {
  el.textContent = text || '';
  el.hidden = !text;
}

// -------------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function rawApi(method, path, body) {
  const headers = { Accept: 'application/json' };
  const opts = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
    opts.body = JSON.stringify(body ?? {});
  }
  let res;
  try {
    res = await fetch(API + path, opts);
  } catch {
    throw new ApiError(0, 'network', 'サーバーに接続できません。ネットワークを確認してください。');
  }
  if (res.status === 204) return null;
  let data = null;
  if ((res.headers.get('Content-Type') || '').includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.message || res.statusText || 'エラーが発生しました');
  }
  return data;
}

/**
 * API call for a logged-in user: a 401 ends the session in the page; a 403
 * about the CSRF token refreshes the token once and retries.
 */
async function api(method, path, body) {
  try {
    return await rawApi(method, path, body);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 401 && state.user) {
      sessionExpired();
    } else if (e.status === 403 && method !== 'GET' && /csrf/i.test(e.code) && state.user) {
      const me = await rawApi('GET', '/me');
      state.csrf = me.csrf;
      return rawApi(method, path, body);
    }
    throw e;
  }
}

function errorText(e, fallback) {
  if (!(e instanceof ApiError)) return fallback;
  if (e.status === 0) return e.message;
  if (e.status === 403) return 'この操作を行う権限がありません。';
  if (e.status === 404) return '見つかりませんでした。削除されたか、閲覧できない可能性があります。';
  if (e.status === 401) return 'ログインの有効期限が切れました。もう一度ログインしてください。';
  return `${fallback}（${e.message}）`;
}

// ------------------------------------------------------------------ views

function showLogin(message) {
  $('boot').hidden = true;
  $('app-view').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = message || '';
  document.title = 'ログイン - carelink';
  $('login-email').focus();
}

function enterApp(data) {
  state.user = data.user;
  state.csrf = data.csrf;
  const org = data.user.organisation || {};
  $('user-name').textContent = data.user.name || '';
  $('user-org').textContent = org.name || '';
  $('boot').hidden = true;
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('login-error').textContent = '';
  $('login-password').value = '';
  updateTitle();
  startStream();
  loadFeed();
  clearInterval(state.resyncTimer);
  state.resyncTimer = setInterval(() => {
    if (state.user && document.visibilityState === 'visible') loadFeed();
  }, FEED_RESYNC_MS);
  loadSpaces();
  route();
}

function leaveApp({ keepRoute = false } = {}) {
  stopStream();
  clearInterval(state.resyncTimer);
  state.resyncTimer = null;
  state.user = null;
  state.csrf = null;
  state.feed.clear();
  state.spaceId = null;
  state.threadId = null;
  state.threadClosed.clear();
  state.navSeq++;
  $('feed').replaceChildren();
  $('spaces').replaceChildren();
  $('threads').replaceChildren();
  $('posts').replaceChildren();
  $('space-pane').hidden = true;
  $('thread-pane').hidden = true;
  $('post-body').value = '';
  setMessage($('feed-message'), '読み込み中…');
  setMessage($('spaces-message'), '読み込み中…');
  updateUnread();
  if (location.hash && !keepRoute) history.replaceState(null, '', location.pathname + location.search);
}

function sessionExpired() {
  if (!state.user) return;
  leaveApp({ keepRoute: true });
  showLogin('ログインの有効期限が切れました。もう一度ログインしてください。');
}

async function onLogin(ev) {
  ev.preventDefault();
  const email = $('login-email').value.trim();
  const password = $('login-password').value;
  const err = $('login-error');
  if (!email || !password) {
    err.textContent = 'メールアドレスとパスワードを入力してください。';
    return;
  }
  const btn = $('login-submit');
  btn.disabled = true;
  err.textContent = '';
  try {
    const data = await rawApi('POST', '/login', { email, password });
    enterApp(data);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 400)) {
      err.textContent = 'メールアドレスまたはパスワードが正しくありません。';
    } else if (e instanceof ApiError && e.status === 429) {
      err.textContent = 'ログインの試行回数が多すぎます。しばらくしてからもう一度お試しください。';
    } else {
      err.textContent = errorText(e, 'ログインできませんでした');
    }
    $('login-password').select();
    $('login-password').focus();
  } finally {
    btn.disabled = false;
  }
}

async function onLogout() {
  const btn = $('logout');
  btn.disabled = true;
  try {
    await rawApi('POST', '/logout', {});
  } catch {
    // The session is dropped in the page either way.
  } finally {
    btn.disabled = false;
  }
  leaveApp();
  showLogin('');
}

// ------------------------------------------------------------------- feed

function renderFeedItem(n) {
  const link = safeLink(n.link);
  const unread = n.read === false;
  const actor = (n.actor && n.actor.name) || '';
  const inner = [
    unread ? h('span', { class: 'visually-hidden' }, '未読: ') : null,
    h('span', { class: 'feed-title' }, n.title || ''),
    h('span', { class: 'feed-body' }, snippet(n.body)),
    h('span', { class: 'feed-meta' },
      h('span', { class: 'feed-actor' }, actor),
      timeEl(n.created_at)),
  ];
  return h('li', {
    class: 'feed-item' + (unread ? ' unread' : ''),
    'data-testid': 'feed-item',
    dataset: { id: String(n.id), kind: n.kind || '' },
  }, link ? h('a', { href: link, class: 'feed-link' }, inner) : h('div', { class: 'feed-link' }, inner));
}

function feedHas(id) {
  return state.feed.has(String(id));
}

/** Add one notification; returns true when it was new. */
function addNotification(n, live) {
  if (!n || n.id == null) return false;
  const id = String(n.id);
  if (feedHas(id)) return false;
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

function updateUnread() {
  let unread = 0;
  for (const n of state.feed.values()) if (n.read === false) unread++;
  const badge = $('unread-count');
  badge.textContent = unread ? `未読 ${unread}件` : '';
  badge.hidden = !unread;
  updateTitle(unread);
}

function updateTitle(unread = 0) {
  document.title = (unread ? `(${unread}) ` : '') + 'carelink 地域包括ケア情報共有';
}

async function loadFeed() {
  state.lastFeedLoad = Date.now();
  try {
    const data = await api('GET', `/feed?limit=${FEED_LIMIT}`);
    if (!state.user) return;
    for (const n of data.notifications || []) addNotification(n, false);
    updateUnread();
    setMessage($('feed-message'), state.feed.size ? '' : '新しい通知はありません。');
  } catch (e) {
    if (!state.user) return;
    if (!state.feed.size) setMessage($('feed-message'), errorText(e, '通知を読み込めませんでした'));
  }
}

function onNotification(n) {
  if (!addNotification(n, true)) return;
  updateUnread();
  const actor = (n.actor && n.actor.name) ? `${n.actor.name}：` : '';
  announce(`新しい通知 ${actor}${n.title || ''}`);
  // Keep an open thread current when someone else posts to it.
  const m = typeof n.link === 'string' && n.link.match(/^#\/threads\/([^/]+)/);
  if (m && state.threadId != null && decodeURIComponent(m[1]) === String(state.threadId)) {
    refreshPosts();
  }
}

// ----------------------------------------------------------------- stream

const STREAM_TEXT = {
  idle: '未接続',
  connecting: '接続処理中',
  open: '接続中',
  reconnecting: '再接続中',
};

function setStreamStatus(s) {
  const el = $('stream-status');
  el.dataset.state = s;
  el.textContent = STREAM_TEXT[s] || s;
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

function startStream() {
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = null;
  if (state.es) state.es.close();
  // The browser resends Last-Event-ID on its own retries; a stream we open
  // ourselves says in the query from where on to send what we have not shown.
  const last = lastNotificationId();
  const es = new EventSource(`${API}/stream` + (last >= 0 ? `?last_event_id=${last}` : ''));
  state.es = es;
  setStreamStatus(state.streamDown ? 'reconnecting' : 'connecting');

  es.addEventListener('open', () => {
    if (state.es !== es) return;
    state.streamDown = false;
    state.reconnectDelay = RECONNECT_MIN_MS;
    setStreamStatus('open');
    // Catch up on anything created while the stream was not attached.
    loadFeed();
  });
  es.addEventListener('notification', (ev) => {
    if (state.es !== es) return;
    let n;
    try { n = JSON.parse(ev.data); } catch { return; }
    if (n && n.id == null && ev.lastEventId) n.id = ev.lastEventId;
    onNotification(n);
  });
  es.addEventListener('error', () => {
    if (state.es !== es) return;
    state.streamDown = true;
    setStreamStatus('reconnecting');
    // CONNECTING: the browser retries by itself (sending Last-Event-ID).
    // CLOSED: it gave up (e.g. an HTTP error); retry ourselves with backoff.
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      state.es = null;
      scheduleReconnect();
    }
  });
}

function stopStream() {
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = null;
  if (state.es) state.es.close();
  state.es = null;
  state.streamDown = false;
  state.reconnectDelay = RECONNECT_MIN_MS;
  setStreamStatus('idle');
}

function scheduleReconnect() {
  clearTimeout(state.reconnectTimer);
  const delay = state.reconnectDelay;
  state.reconnectDelay = Math.min(delay * 2, RECONNECT_MAX_MS);
  state.reconnectTimer = setTimeout(reconnectNow, delay + Math.floor(Math.random() * 500));
}

async function reconnectNow() {
  state.reconnectTimer = null;
  if (!state.user || state.es) return;
  try {
    const me = await rawApi('GET', '/me');
    state.csrf = me.csrf;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { sessionExpired(); return; }
    if (state.user) scheduleReconnect();
    return;
  }
  if (state.user && !state.es) startStream();
}

// ----------------------------------------------------------------- spaces

async function loadSpaces() {
  try {
    const data = await api('GET', '/spaces');
    if (!state.user) return;
    const list = $('spaces');
    list.replaceChildren(...(data.spaces || []).map((s) => h('li', {},
      h('a', {
        class: 'nav-item space-item',
        href: `#/spaces/${enc(s.id)}`,
        'data-testid': 'space-item',
        dataset: { id: String(s.id) },
        title: s.description || null,
      }, h('span', { class: 'nav-name' }, s.name || '')))));
    setMessage($('spaces-message'), list.children.length ? '' : '閲覧できるスペースはありません。');
    markCurrent();
  } catch (e) {
    if (state.user) setMessage($('spaces-message'), errorText(e, 'スペースを読み込めませんでした'));
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
  const pane = $('space-pane');
  const list = $('threads');
  pane.hidden = false;
  if (String(state.spaceId) !== String(spaceId)) {
    state.spaceId = spaceId;
    $('space-name').textContent = '';
    $('space-desc').textContent = '';
    list.replaceChildren();
    list.dataset.spaceId = '';
    setMessage($('threads-message'), '読み込み中…');
  }
  list.dataset.state = 'loading';
  markCurrent();
  try {
    const data = await api('GET', `/spaces/${enc(spaceId)}`);
    if (seq !== state.navSeq) return;
    $('space-name').textContent = data.space?.name || '';
    $('space-desc').textContent = data.space?.description || '';
    const threads = [...(data.threads || [])].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    for (const t of threads) state.threadClosed.set(String(t.id), !!t.closed);
    list.replaceChildren(...threads.map((t) => h('li', {},
      h('a', {
        class: 'nav-item thread-item' + (t.closed ? ' closed' : ''),
        href: `#/threads/${enc(t.id)}`,
        'data-testid': 'thread-item',
        dataset: { id: String(t.id) },
      },
      h('span', { class: 'nav-name' }, t.title || ''),
      t.closed ? h('span', { class: 'tag' }, '終了') : null))));
    list.dataset.spaceId = String(spaceId);
    list.dataset.state = 'loaded';
    setMessage($('threads-message'), threads.length ? '' : 'スレッドはまだありません。');
    markCurrent();
    applyClosed();
    const current = list.querySelector('[aria-current="page"]');
    if (current && !narrow.matches) current.scrollIntoView({ block: 'nearest' });
  } catch (e) {
    if (seq !== state.navSeq || !state.user) return;
    list.dataset.spaceId = String(spaceId);
    list.dataset.state = 'error';
    setMessage($('threads-message'), errorText(e, 'スレッドを読み込めませんでした'));
  }
}

// ------------------------------------------------------------------ posts

function renderPost(p) {
  const author = p.author || {};
  const org = author.organisation || {};
  return h('li', {
    class: 'post',
    id: `post-${p.id}`,
    'data-testid': 'post-item',
    dataset: { id: String(p.id) },
    tabindex: '-1',
  },
  h('article', {},
    h('header', { class: 'post-head' },
      h('span', { class: 'post-author' }, author.name || ''),
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
  const form = $('post-form');
  form.hidden = closed;
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
    setMessage($('posts-message'), '読み込み中…');
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
    setMessage($('posts-message'), list.children.length ? '' : 'まだ投稿はありません。');
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
    if (seq !== state.navSeq || !state.user) return;
    list.dataset.threadId = String(threadId);
    list.dataset.state = 'error';
    setMessage($('posts-message'), errorText(e, '投稿を読み込めませんでした'));
  }
}

let refreshing = null;
async function refreshPosts() {
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
    err.textContent = '投稿内容を入力してください。';
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
    announce('投稿しました。');
  } catch (e) {
    if (!state.user) return;
    err.textContent = errorText(e, '投稿できませんでした');
  } finally {
    btn.disabled = false;
    ta.readOnly = false;
    ta.removeAttribute('aria-busy');
  }
}

// ----------------------------------------------------------------- router

function parseRoute() {
  const hash = location.hash;
  let m = hash.match(/^#\/threads\/([^/]+)(?:\/posts\/([^/]+))?\/?$/);
  if (m) return { name: 'thread', threadId: decodeURIComponent(m[1]), postId: m[2] ? decodeURIComponent(m[2]) : null };
  m = hash.match(/^#\/spaces\/([^/]+)\/?$/);
  if (m) return { name: 'space', spaceId: decodeURIComponent(m[1]) };
  return { name: 'home' };
}

function route() {
  if (!state.user) return;
  const seq = ++state.navSeq;
  const r = parseRoute();
  if (r.name === 'thread') {
    showThread(r.threadId, r.postId, seq);
  } else {
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
}

// ------------------------------------------------------------------- boot

async function boot() {
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', onLogout);
  $('post-form').addEventListener('submit', onPost);
  $('post-body').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      $('post-form').requestSubmit();
    }
  });
  window.addEventListener('hashchange', route);
  document.addEventListener('visibilitychange', () => {
    if (state.user && document.visibilityState === 'visible'
        && Date.now() - state.lastFeedLoad > FEED_RESYNC_MS / 2) loadFeed();
  });
  window.addEventListener('online', () => {
    if (state.user && !state.es) reconnectNow();
  });

  try {
    const me = await rawApi('GET', '/me');
    enterApp(me);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) showLogin('');
    else showLogin(errorText(e, 'サーバーの状態を確認できませんでした'));
  }
}

boot();
