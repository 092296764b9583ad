// The list of alerts (#/alerts): the active ones, or those ended, or all,
// newest first, each with its kind, severity, status and whether it waits
// for my acknowledgement; fetched again on every live alert notification.

import { h, enc, timeEl } from './dom.js';
import { t } from './i18n.js';
import { api, session } from './api.js';
import {
  alertsFrame, kindLabel, severityTag, statusTag, personText, alertError, onAlertNews, mayRaise,
} from './alerts.js';

function item(a) {
  const pending = a.status === 'active' && a.requires_ack && !a.acknowledged_by_me;
  return h('li', { class: 'card alert-item', testid: 'alert-item', dataset: { id: String(a.id), status: a.status || '' } },
    h('div', { class: 'alert-item-head' },
      severityTag(a.severity), statusTag(a.status),
      h('span', { class: 'muted' }, kindLabel(a.kind)),
      h('a', { href: `#/alerts/${enc(a.id)}`, class: 'strong', testid: 'alert-link' }, a.title || '')),
    h('p', { class: 'muted small' },
      t('alerts.raisedBy', { name: personText(a.raised_by) }), ' ', timeEl(a.raised_at),
      a.area && a.area.districts && a.area.districts.length ? ` ・ ${a.area.districts.join('、')}` : '',
      ` ・ ${t('alerts.ackCount', { n: (a.acknowledgements || []).length })}`),
    pending ? h('span', { class: 'tag alert-pending', testid: 'alert-pending' }, t('alerts.pending')) : null);
}

/** #/alerts */
export function renderAlertList(root, route, ctx) {
  const status = h('select', { testid: 'alert-filter-status' },
    ...['active', 'ended', 'all'].map((s) => h('option', { value: s }, t(`alerts.filter.${s}`))));
  status.value = ['active', 'ended', 'all'].includes(route.params && route.params.get('status'))
    ? route.params.get('status') : 'active';
  const list = h('ol', { class: 'alert-list', testid: 'alert-list', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted', testid: 'alert-list-message' }, t('common.loading'));
  let seq = 0;
  async function load() {
    const mine = ++seq;
    list.dataset.state = 'loading';
    try {
      const data = await api('GET', `/alerts?status=${enc(status.value)}`);
      if (!ctx.alive || mine !== seq) return;
      const alerts = data.alerts || [];
      list.replaceChildren(...alerts.map(item));
      msg.textContent = alerts.length ? '' : t('alerts.none');
      msg.hidden = alerts.length > 0;
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      msg.textContent = alertError(e, 'alerts.loadFailed');
      msg.className = 'form-error';
      msg.hidden = false;
      list.dataset.state = 'error';
    }
  }
  status.addEventListener('change', load);
  onAlertNews(ctx, () => load());
  root.replaceChildren(alertsFrame('list', 'alerts-page', session.user,
    h('div', { class: 'filter-bar' },
      h('label', {}, t('alerts.filter.label'), ' ', status),
      mayRaise(session.user) ? h('a', { href: '#/alerts/new', class: 'button primary', testid: 'alert-new-link' }, t('alerts.new')) : null),
    msg, list));
  load();
}
