// An event record's registration: the count against the capacity (full:
// 満員です), 参加登録 / 登録を取り消す, and for the event's writers the
// people who registered.

import { h, enc, errorLine, busy, setMessage, timeEl } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { personLink } from './people.js';
import { appError } from './apps.js';

function countText(reg) {
  return reg.capacity != null ? t('events.countOf', { n: reg.count ?? 0, cap: reg.capacity }) : t('events.count', { n: reg.count ?? 0 });
}

function peopleList(record, ctx) {
  const list = h('ul', { class: 'people-rows', testid: 'event-people', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted small', role: 'status' });
  (async () => {
    try {
      const data = await api('GET', `/events/${enc(record.id)}/registrations`);
      if (!ctx.alive) return;
      const people = data.people || [];
      list.replaceChildren(...people.map((p) => h('li', { class: 'person-row', testid: 'event-person', dataset: { userId: String(p.id) } },
        personLink(p), h('span', { class: 'muted small' }, (p.organisation && p.organisation.name) || ''), timeEl(p.registered_at))));
      setMessage(msg, people.length ? '' : t('events.nobody'));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      setMessage(msg, appError(e, 'apps.loadFailed'));
    }
  })();
  return h('div', {}, h('h3', { class: 'sub-title' }, t('events.people')), msg, list);
}

/** The registration section of an event record; onChange(reg) after a change. */
export function registrationSection(record, ctx) {
  const box = h('section', { class: 'card page-section', testid: 'event-registration' });
  function paint(reg) {
    box.dataset.registered = String(!!reg.registered);
    box.dataset.full = String(!!reg.full);
    box.dataset.count = String(reg.count ?? 0);
    const err = errorLine('event-error');
    const act = async (btn, method) => busy(btn, async () => {
      err.textContent = '';
      try {
        const data = await api(method, `/events/${enc(record.id)}/registration`);
        const fresh = await api('GET', `/app-records/${enc(record.id)}`).catch(() => null);
        const next = (fresh && fresh.record && fresh.record.registration)
          || (data && data.registration) || { ...reg, registered: method === 'POST' };
        if (ctx.alive) paint(next);
      } catch (e) {
        err.textContent = appError(e, 'events.failed');
      }
    });
    const register = h('button', { type: 'button', class: 'primary', testid: 'event-register' }, t('events.register'));
    register.addEventListener('click', () => act(register, 'POST'));
    const cancel = h('button', { type: 'button', class: 'secondary', testid: 'event-unregister' }, t('events.unregister'));
    cancel.addEventListener('click', () => act(cancel, 'DELETE'));
    box.replaceChildren(...[
      h('h2', { class: 'section-title' }, t('events.registration')),
      h('p', { testid: 'event-count' }, countText(reg)),
      reg.full ? h('p', { class: 'warning', testid: 'event-full' }, t('events.full')) : null,
      reg.registered ? h('p', { class: 'ok', testid: 'event-registered' }, t('events.registered')) : null,
      reg.open === false ? h('p', { class: 'muted', testid: 'event-closed' }, t('events.started')) : null,
      reg.open !== false ? h('div', { class: 'form-actions' },
        reg.registered ? cancel : (reg.full ? null : register)) : null,
      err,
      record.can_write ? peopleList(record, ctx) : null,
    ].filter(Boolean));
  }
  paint(record.registration || { count: 0 });
  return box;
}
