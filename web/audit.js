// The audit log of the municipality: logins, failures, lockouts, role and
// membership changes, tokens; newest first, paged.

import { h, listOf, setMessage, timeEl } from './dom.js';
import { t, has } from './i18n.js';
import { api, errorText } from './api.js';

function actionLabel(a) {
  const key = `audit.action.${a}`;
  return has(key) ? t(key) : String(a || '');
}

function who(e) {
  if (e.actor && typeof e.actor === 'object') return e.actor.name || e.actor.email || e.actor.id || '';
  return e.actor_name || e.actor_email || e.actor_id || e.actor || '';
}

function detailText(d) {
  if (d == null) return '';
  if (typeof d !== 'object') return String(d);
  const keys = Object.keys(d);
  return keys.length ? JSON.stringify(d) : '';
}

function row(e) {
  const outcome = e.outcome || '';
  return h('tr', { testid: 'audit-row', dataset: { action: String(e.action || ''), outcome } },
    h('td', {}, timeEl(e.at || e.time || e.created_at)),
    h('td', {}, actionLabel(e.action), h('div', { class: 'muted small mono' }, e.action || '')),
    h('td', {}, String(who(e))),
    h('td', { class: 'mono small' }, String(e.subject || '')),
    h('td', { class: 'mono small' }, String(e.address || '')),
    h('td', {}, h('span', { class: `tag outcome-${outcome}` }, has(`audit.outcome.${outcome}`) ? t(`audit.outcome.${outcome}`) : outcome)),
    h('td', { class: 'mono small detail' }, detailText(e.detail)));
}

export function renderAudit(root, route, ctx) {
  const body = h('tbody', {});
  const table = h('table', { class: 'audit', testid: 'audit-table', dataset: { state: 'loading' } },
    h('thead', {}, h('tr', {}, ['audit.at', 'audit.action', 'audit.actor', 'audit.subject', 'audit.address',
      'audit.outcome', 'audit.detail'].map((k) => h('th', { scope: 'col' }, t(k))))),
    body);
  const msg = h('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const more = h('button', { type: 'button', class: 'secondary', testid: 'audit-more', hidden: true }, t('common.more'));
  let cursor = null;
  async function load(append) {
    table.dataset.state = 'loading';
    try {
      const params = new URLSearchParams({ limit: '100' });
      if (append && cursor) params.set('cursor', cursor);
      const data = await api('GET', `/audit?${params}`);
      if (!ctx.alive) return;
      const entries = listOf(data, 'entries');
      if (!append) body.replaceChildren();
      body.append(...entries.map(row));
      cursor = data && data.next_cursor;
      more.hidden = !cursor;
      setMessage(msg, body.children.length ? '' : t('audit.none'));
      table.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive) return;
      table.dataset.state = 'error';
      setMessage(msg, errorText(e, 'audit.loadFailed'));
    }
  }
  more.addEventListener('click', () => load(true));
  load(false);
  root.replaceChildren(h('h1', { class: 'page-title' }, t('audit.title')),
    h('p', { class: 'muted lead' }, t('audit.lead')), msg, h('div', { class: 'table-wrap' }, table), more);
}
