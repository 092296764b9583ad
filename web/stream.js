// The live notification stream (server-sent events) of the logged-in person.
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
  handlers: null, // {onOpen, onNotification, onLost(error), onEnrol, lastId()}
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
  es.addEventListener('notification', (ev) => {
    if (st.es !== es) return;
    let n;
    try { n = JSON.parse(ev.data); } catch { return; }
    if (n && n.id == null && ev.lastEventId) n.id = ev.lastEventId;
    st.handlers.onNotification(n);
  });
  es.addEventListener('error', async () => {
    if (st.es !== es) return;
    st.down = true;
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
