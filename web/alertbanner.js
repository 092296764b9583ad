// The alert banner: shown above every page while the person has an alert
// waiting for their acknowledgement (GET /alerts?pending=1), one line per
// alert with its acknowledge button. It stays across pages until each is
// acknowledged; it is fetched again on every live notification of kind
// `alert` and once a minute besides.

import { $, h, enc, busy, announce } from './dom.js';
import { t } from './i18n.js';
import { api, session } from './api.js';
import { kindLabel, severityTag, showError } from './alerts.js';

const REFRESH_MS = 60_000;
const state = { timer: null, seq: 0, listener: null, shown: new Set() };

function row(alert) {
  const err = h('span', { class: 'form-error', role: 'alert', testid: 'alert-banner-error' });
  const ack = h('button', { type: 'button', class: 'primary small-btn', testid: 'alert-banner-ack' }, t('alerts.ack'));
  ack.addEventListener('click', () => busy(ack, async () => {
    showError(err, null);
    try {
      await api('POST', `/alerts/${enc(alert.id)}/ack`, {});
      announce(t('alerts.acked'));
      refreshAlertBanner();
    } catch (e) {
      showError(err, e, 'alerts.ackFailed');
      if (e && e.code === 'already_acknowledged') refreshAlertBanner();
    }
  }));
  return h('div', {
    class: `alert-banner-row alert-sev-${alert.severity}`, testid: 'alert-banner-item', dataset: { id: String(alert.id) },
  },
  h('span', { class: 'alert-banner-label strong' }, t('alerts.bannerLabel')),
  severityTag(alert.severity),
  h('span', { class: 'alert-banner-kind' }, kindLabel(alert.kind)),
  h('a', { href: `#/alerts/${enc(alert.id)}`, class: 'alert-banner-title strong', testid: 'alert-banner-link' }, alert.title || ''),
  alert.instruction ? h('span', { class: 'alert-banner-instruction' }, alert.instruction) : null,
  ack, err);
}

/** Fetch the pending alerts and show them (nothing shown when none). */
export async function refreshAlertBanner() {
  const box = $('alert-banner');
  if (!box || !session.user) return;
  const mine = ++state.seq;
  try {
    const data = await api('GET', '/alerts?pending=1');
    if (mine !== state.seq || !session.user) return;
    const alerts = (data && data.alerts) || [];
    box.replaceChildren(...alerts.map(row));
    box.hidden = alerts.length === 0;
    box.dataset.count = String(alerts.length);
    for (const a of alerts) {
      if (!state.shown.has(a.id)) announce(`${t('alerts.bannerLabel')} ${a.title || ''}`);
    }
    state.shown = new Set(alerts.map((a) => a.id));
  } catch {
    // The banner keeps what it showed; the next notification or minute tries again.
  }
}

/** Start the banner for the logged-in person. */
export function startAlertBanner() {
  stopAlertBanner();
  state.listener = (ev) => { if (ev.detail && ev.detail.kind === 'alert') refreshAlertBanner(); };
  window.addEventListener('carelink:notification', state.listener);
  state.timer = setInterval(refreshAlertBanner, REFRESH_MS);
  refreshAlertBanner();
}

/** Stop and empty it (logout, session lost). */
export function stopAlertBanner() {
  if (state.listener) window.removeEventListener('carelink:notification', state.listener);
  if (state.timer) clearInterval(state.timer);
  state.listener = null;
  state.timer = null;
  state.seq++;
  state.shown = new Set();
  const box = $('alert-banner');
  if (box) { box.replaceChildren(); box.hidden = true; box.dataset.count = '0'; }
}
