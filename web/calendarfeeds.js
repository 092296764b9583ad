// Calendar subscriptions: feed URLs a calendar program reads without
// logging in (GET/POST/DELETE /me/calendar-feeds). A URL is shown once,
// when it is made, with a copy button; the list names each feed's scope
// (the whole tenant, or my registrations) and lets the person revoke it.

import { h, enc, errorLine, busy, setMessage, timeEl, section, copyButton, listOf } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { appError } from './apps.js';

export function calendarFeedsSection(ctx) {
  const list = h('ul', { class: 'admin-list', testid: 'feeds-list', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted small', role: 'status' });
  const err = errorLine('feed-error');
  const fresh = h('div', { testid: 'feed-new' });
  async function load() {
    try {
      const feeds = listOf(await api('GET', '/me/calendar-feeds'), 'feeds');
      if (!ctx.alive) return;
      list.replaceChildren(...feeds.map((f) => {
        const revoke = h('button', { type: 'button', class: 'secondary small-btn danger', testid: 'feed-revoke' }, t('feeds.revoke'));
        revoke.addEventListener('click', () => busy(revoke, async () => {
          err.textContent = '';
          try { await api('DELETE', `/me/calendar-feeds/${enc(f.id)}`); fresh.replaceChildren(); await load(); } catch (e) { err.textContent = appError(e, 'feeds.failed'); }
        }));
        return h('li', { class: 'admin-row', testid: 'feed-row', dataset: { id: String(f.id), scope: f.scope || '' } },
          h('div', { class: 'admin-row-main' }, h('strong', {}, t(`feeds.scope.${f.scope}`)),
            h('span', { class: 'muted small' }, t('feeds.created'), ' ', timeEl(f.created_at)),
            h('span', { class: 'muted small' }, f.last_used_at ? [t('feeds.used'), ' ', timeEl(f.last_used_at)] : t('feeds.unused')),
            revoke));
      }));
      setMessage(msg, feeds.length ? '' : t('feeds.none'));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      setMessage(msg, appError(e, 'feeds.failed'));
    }
  }
  const make = (scope) => {
    const btn = h('button', { type: 'button', class: 'secondary', testid: `feed-create-${scope}` }, t(`feeds.create.${scope}`));
    btn.addEventListener('click', () => busy(btn, async () => {
      err.textContent = '';
      try {
        const data = await api('POST', '/me/calendar-feeds', { scope });
        const feed = (data && (data.feed || data)) || {};
        const url = h('input', { type: 'text', readonly: true, class: 'mono', value: feed.url || '', testid: 'feed-url', 'aria-label': t('feeds.url') });
        fresh.replaceChildren(h('div', { class: 'notice' },
          h('p', {}, t('feeds.shownOnce', { scope: t(`feeds.scope.${scope}`) })),
          h('div', { class: 'admin-row-main' }, url, copyButton(() => url.value, 'feed-url-copy'))));
        await load();
      } catch (e) { err.textContent = appError(e, 'feeds.failed'); }
    }));
    return btn;
  };
  load();
  const s = section(t('feeds.title'), h('p', { class: 'muted small' }, t('feeds.lead')),
    h('div', { class: 'form-actions' }, make('tenant'), make('mine')), err, fresh, msg, list);
  s.dataset.testid = 'calendar-feeds';
  return s;
}
