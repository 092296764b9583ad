// The calendar view of an app with a calendar_field: a month grid (this
// month by default, previous/next month); each day lists its records by
// time, events with their kind and a 満員 badge; a click opens the record.

import { h, enc, setMessage } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { tokyoDay, tokyoLocal, recordTitle, appError } from './apps.js';

const PAGE = 200;

/** "YYYY-MM" shifted by delta months. */
export function shiftMonth(month, delta) {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return d.toISOString().slice(0, 7);
}

function daysIn(month) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The day ("YYYY-MM-DD") and time ("HH:MM" or '') of a record in the calendar. */
function whenOf(field, value) {
  if (!value) return null;
  if (field.type === 'date') return { day: String(value).slice(0, 10), time: '' };
  const local = tokyoLocal(value);
  return local ? { day: local.slice(0, 10), time: local.slice(11, 16) } : null;
}

/**
 * The month grid of app's records; month "YYYY-MM" (default: this month in
 * Asia/Tokyo); onMonth(month) moves to another month.
 */
export function recordCalendar(app, ctx, month, onMonth) {
  const field = (app.fields || []).find((f) => f.key === app.calendar_field);
  const m = /^\d{4}-\d{2}$/.test(month || '') ? month : tokyoDay().slice(0, 7);
  const [y, mo] = m.split('-').map(Number);
  const label = h('h2', { class: 'cal-month', testid: 'cal-month', dataset: { month: m } }, t('calendar.month', { y, m: mo }));
  const prev = h('button', { type: 'button', class: 'secondary small-btn', testid: 'cal-prev', onclick: () => onMonth(shiftMonth(m, -1)) }, t('calendar.prev'));
  const next = h('button', { type: 'button', class: 'secondary small-btn', testid: 'cal-next', onclick: () => onMonth(shiftMonth(m, 1)) }, t('calendar.next'));
  const today = h('button', { type: 'button', class: 'secondary small-btn', testid: 'cal-today', onclick: () => onMonth(tokyoDay().slice(0, 7)) }, t('calendar.today'));
  const grid = h('div', { class: 'cal-grid', testid: 'cal-grid', role: 'grid', dataset: { state: 'loading', month: m } });
  const msg = h('p', { class: 'muted', role: 'status' });
  const cells = new Map();
  const weekdays = t('calendar.weekdays').split(',');
  grid.append(...weekdays.map((w, i) => h('div', { class: `cal-weekday wd-${i}`, role: 'columnheader' }, w)));
  const first = new Date(Date.UTC(y, mo - 1, 1)).getUTCDay();
  for (let i = 0; i < first; i++) grid.append(h('div', { class: 'cal-day cal-blank', 'aria-hidden': 'true' }));
  const todayStr = tokyoDay();
  for (let d = 1; d <= daysIn(m); d++) {
    const day = `${m}-${String(d).padStart(2, '0')}`;
    const list = h('ul', { class: 'cal-items' });
    const wd = (first + d - 1) % 7;
    cells.set(day, list);
    grid.append(h('div', { class: `cal-day wd-${wd}${day === todayStr ? ' cal-today' : ''}`, role: 'gridcell', testid: 'cal-day', dataset: { date: day } },
      h('span', { class: 'cal-date' }, String(d)), list));
  }
  function item(r, when) {
    const v = r.values || {};
    const reg = r.registration;
    return h('li', {},
      h('a', { href: `#/app-records/${enc(r.id)}`, class: 'cal-item', testid: 'cal-item', dataset: { id: String(r.id), day: when.day } },
        when.time ? h('span', { class: 'cal-time' }, when.time) : null,
        app.key === 'events' && v.kind ? h('span', { class: 'tag tag-kind', testid: 'event-kind-badge' }, v.kind) : null,
        reg && reg.full ? h('span', { class: 'tag tag-full', testid: 'event-full-badge' }, t('events.fullBadge')) : null,
        h('span', { class: 'cal-title' }, recordTitle(app, r))));
  }
  async function load() {
    if (!field) { grid.dataset.state = 'error'; setMessage(msg, t('calendar.noField')); return; }
    const p = new URLSearchParams({
      [`from.${field.key}`]: `${m}-01`, [`to.${field.key}`]: `${m}-${String(daysIn(m)).padStart(2, '0')}`,
      sort: field.key, limit: String(PAGE),
    });
    try {
      let records = [];
      for (let cursor = null, pages = 0; pages < 10; pages++) {
        if (cursor) p.set('cursor', cursor);
        const data = await api('GET', `/apps/${enc(app.id)}/records?${p}`);
        if (!ctx.alive) return;
        records = records.concat(data.records || []);
        cursor = data.next_cursor;
        if (!cursor) break;
      }
      let n = 0;
      for (const r of records) {
        const when = whenOf(field, r.values && r.values[field.key]);
        const list = when && cells.get(when.day);
        if (!list) continue;
        list.append(item(r, when));
        n++;
      }
      grid.dataset.count = String(n);
      grid.dataset.state = 'loaded';
      setMessage(msg, n ? '' : t('calendar.empty'));
    } catch (e) {
      if (!ctx.alive) return;
      grid.dataset.state = 'error';
      setMessage(msg, appError(e, 'apps.loadFailed'));
    }
  }
  load();
  return h('div', { class: 'app-calendar', testid: 'app-calendar' },
    h('div', { class: 'cal-head' }, prev, label, next, today), msg, h('div', { class: 'table-scroll' }, grid));
}
