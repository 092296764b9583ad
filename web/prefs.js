// The person's notification preferences (GET/PUT /preferences, the whole
// object each time) and the mute toggle of the space and thread pages.
// Mentions and urgent alerts of a muted space or thread still arrive.

import { h } from './dom.js';
import { t } from './i18n.js';
import { api, errorText, session } from './api.js';

const st = { prefs: null, loading: null, listeners: new Set() };

export const DEFAULT_PREFS = Object.freeze({ urgent_only: false, quiet_hours: null, mutes: [] });

function normal(p) {
  return {
    urgent_only: !!(p && p.urgent_only),
    quiet_hours: p && p.quiet_hours && p.quiet_hours.start ? { start: p.quiet_hours.start, end: p.quiet_hours.end } : null,
    mutes: Array.isArray(p && p.mutes) ? p.mutes.map((m) => ({ kind: m.kind, id: String(m.id) })) : [],
  };
}

/** fn(prefs) runs after the preferences changed in this page. */
export function onPrefsChange(fn) { st.listeners.add(fn); }

/** The preferences (cached; force re-reads them). */
export async function getPrefs(force = false) {
  if (st.prefs && !force) return st.prefs;
  if (!st.loading) {
    st.loading = api('GET', '/preferences').then((p) => {
      st.prefs = normal(p);
      return st.prefs;
    }).finally(() => { st.loading = null; });
  }
  return st.loading;
}

/** The cached preferences, or null before they were read. */
export function cachedPrefs() { return st.prefs; }

/** Store the whole object; answers it as stored. Throws ApiError. */
export async function savePrefs(prefs) {
  const stored = normal(await api('PUT', '/preferences', normal(prefs)));
  if (!session.user) return stored;
  st.prefs = stored;
  for (const fn of st.listeners) fn(stored);
  return stored;
}

export function isMuted(prefs, kind, id) {
  return !!prefs && prefs.mutes.some((m) => m.kind === kind && m.id === String(id));
}

/** Mute or unmute one space or thread (read the latest, then store). */
export async function setMuted(kind, id, muted) {
  const p = normal(await getPrefs(true));
  p.mutes = p.mutes.filter((m) => !(m.kind === kind && m.id === String(id)));
  if (muted) p.mutes.push({ kind, id: String(id) });
  return savePrefs(p);
}

export function forgetPrefs() {
  st.prefs = null;
  st.loading = null;
}

/** A toggle button muting a space or thread (kind 'space' or 'thread'). */
export function muteToggle(kind, id) {
  const btn = h('button', {
    type: 'button', class: 'secondary small-btn', testid: `mute-${kind}`, 'aria-pressed': 'false', disabled: true,
  }, t(`mute.${kind}`));
  const err = h('span', { class: 'form-error small', role: 'alert', testid: `mute-${kind}-error` });
  const paint = (prefs) => {
    const on = isMuted(prefs, kind, id);
    btn.setAttribute('aria-pressed', String(on));
    btn.dataset.muted = String(on);
    btn.textContent = on ? t(kind === 'space' ? 'mute.unmuteSpace' : 'mute.unmuteThread') : t(`mute.${kind}`);
  };
  getPrefs().then((p) => { paint(p); btn.disabled = false; }).catch(() => { btn.hidden = true; });
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    err.textContent = '';
    try {
      const p = await setMuted(kind, id, btn.dataset.muted !== 'true');
      paint(p);
    } catch (e) {
      err.textContent = errorText(e, 'mute.failed');
    } finally {
      btn.disabled = false;
    }
  });
  return h('span', { class: 'feed-actions' }, btn, err);
}
