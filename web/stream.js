// The live notification stream (server-sent events) of the logged-in person.
// Every event after `ready` (seq 0) carries the stream's counter `seq`
// (1, 2, 3…); a seq that is not the last + 1, or a heartbeat whose seq is
// not the last, means something was missed: the page re-fetches the feed
// and counts (onGap), as it does on `reset` (the resume point could not be
// caught up). `read` says another tab marked something read; a
// `notification` with `silent` (quiet hours) updates lists and badges only.
// When the stream ends, /me says whether the session still exists: a session
// ended elsewhere (logout, deactivation by an administrator) takes the page
// back to the login screen at once.

import { $ } from './dom.js';
import { t } from './i18n.js';
import { API, ApiError, rawApi, session } from './api.js';

const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30000;

const st = {
  es: null,
  down: false,
  timer: null,
  delay: RECONNECT_MIN_MS,
  checking: null,
  status: 'idle',
  seq: null,      // the last seq of the open stream (null before `ready`)
  handlers: null, // {onOpen, onNotification, onRead, onGap, onLost(error), onEnrol, lastId()}
};

function setStatus(s) {
  st.status = s;
  const el = $('stream-status');
  el.dataset.state = s;
  el.textContent = t(`stream.${s}`);
}

/** Re-label the status after a language switch. */
export function relabelStream() { setStatus(st.status); }

/**
 * Ask /me whether the session is still there; a 401 ends it in the page.
 * Returns true when the session is alive.
 */
async function checkSession() {
  if (st.checking) return st.checking;
  st.checking = (async () => {
    try {
      const me = await rawApi('GET', '/me');
      session.csrf = me.csrf;
      // e.g. a role that now requires two-factor: enrolment comes first
      if (me.user && me.user.totp_pending && st.handlers && st.handlers.onEnrol) {
        st.handlers.onEnrol();
        return false;
      }
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        if (session.user && st.handlers) st.handlers.onLost(e);
        return false;
      }
      return !!session.user; // network trouble: keep trying
    } finally {
      st.checking = null;
    }
  })();
  return st.checking;
}

export function startStream(handlers) {
  if (handlers) st.handlers = handlers;
  clearTimeout(st.timer);
  st.timer = null;
  if (st.es) st.es.close();
  st.seq = null;
  // The browser resends Last-Event-ID on its own retries; a stream we open
  // ourselves says in the query from where on to send what we have not shown.
  const last = st.handlers.lastId();
  const es = new EventSource(`${API}/stream` + (last >= 0 ? `?last_event_id=${last}` : ''));
  st.es = es;
  setStatus(st.down ? 'reconnecting' : 'connecting');

  es.addEventListener('open', () => {
    if (st.es !== es) return;
    st.down = false;
    st.delay = RECONNECT_MIN_MS;
    setStatus('open');
    st.handlers.onOpen();
  });
  // The counter: true when the event follows the last one seen.
  const counted = (data, heartbeat = false) => {
    const seq = data && Number.isSafeInteger(data.seq) ? data.seq : null;
    if (seq == null) return true; // a server without the counter
    const ok = st.seq == null || (heartbeat ? seq === st.seq : seq === st.seq + 1);
    st.seq = seq;
    if (!ok && st.handlers.onGap) st.handlers.onGap('gap');
    return ok;
  };
  const parse = (ev) => {
    try { return JSON.parse(ev.data); } catch { return null; }
  };
  es.addEventListener('ready', (ev) => {
    if (st.es !== es) return;
    const d = parse(ev);
    st.seq = d && Number.isSafeInteger(d.seq) ? d.seq : 0;
  });
  es.addEventListener('notification', (ev) => {
    if (st.es !== es) return;
    const n = parse(ev);
    if (!n) return;
    if (n.id == null && ev.lastEventId) n.id = ev.lastEventId;
    counted(n);
    st.handlers.onNotification(n);
  });
  es.addEventListener('read', (ev) => {
    if (st.es !== es) return;
    const d = parse(ev);
    if (!d) return;
    counted(d);
    if (st.handlers.onRead) st.handlers.onRead(d);
  });
  es.addEventListener('reset', (ev) => {
    if (st.es !== es) return;
    const d = parse(ev);
    if (d) st.seq = Number.isSafeInteger(d.seq) ? d.seq : st.seq;
    if (st.handlers.onGap) st.handlers.onGap((d && d.reason) || 'reset');
  });
  es.addEventListener('heartbeat', (ev) => {
    if (st.es !== es) return;
    counted(parse(ev), true);
  });
  es.addEventListener('error', async () => {
    if (st.es !== es) return;
    st.down = true;
    st.seq = null; // a new stream starts its own counter
    setStatus('reconnecting');
    // The stream ended: first make sure the session still exists.
    const alive = await checkSession();
    if (st.es !== es) return;
    if (!alive) { stopStream(); return; }
    // CONNECTING: the browser retries by itself (sending Last-Event-ID).
    // CLOSED: it gave up (e.g. an HTTP error); retry ourselves with backoff.
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      st.es = null;
      scheduleReconnect();
    }
  });
}

export function stopStream() {
  clearTimeout(st.timer);
  st.timer = null;
  if (st.es) st.es.close();
  st.es = null;
  st.down = false;
  st.delay = RECONNECT_MIN_MS;
  setStatus('idle');
}

function scheduleReconnect() {
  clearTimeout(st.timer);
  const delay = st.delay;
  st.delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  st.timer = setTimeout(reconnectNow, delay + Math.floor(Math.random() * 500));
}

/** Reopen a closed stream now (e.g. when the network comes back). */
export async function reconnectNow() {
  st.timer = null;
  if (!session.user || st.es) return;
  const alive = await checkSession();
  if (!alive) return;
  if (session.user && !st.es) startStream();
  else if (session.user) scheduleReconnect();
}

export function streamIsOpen() { return !!st.es; }
