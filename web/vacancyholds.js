// Holds (仮押さえ): the hold form a search result or a watch's match opens
// (beds, room, client label, note → POST /holds, then the hold with its
// expiry), a hold's card with confirm (the facility's staff) and release
// (holder or staff), my holds (#/vacancy/holds), one hold
// (#/vacancy/holds/<id>) and a facility's holds for its staff.

import { h, enc, timeEl, busy, errorLine, announce } from './dom.js';
import { t } from './i18n.js';
import { api, ApiError } from './api.js';
import {
  vacancyFrame, rangeText, roomLabel, statusLabel, kindLabel, showError, notAvailable, onVacancyNews,
} from './vacancy.js';

/**
 * The hold form for a facility and nights: {facility, kind, from, to, room
 * ('men'|'women'|'either')}. onPlaced(hold) after the hold is made.
 */
export function holdForm(target, { onPlaced, onCancel } = {}) {
  const beds = h('input', { type: 'number', min: '1', max: '10', value: '1', testid: 'hold-beds' });
  const room = h('select', { testid: 'hold-room' },
    ...['either', 'women', 'men'].map((r) => h('option', { value: r }, roomLabel(r))));
  room.value = target.room || 'either';
  const client = h('input', { type: 'text', maxlength: '40', testid: 'hold-client', required: true });
  const note = h('input', { type: 'text', maxlength: '500', testid: 'hold-note' });
  const err = errorLine('hold-error');
  const result = h('div', { testid: 'hold-result' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'hold-submit' }, t('vacancy.hold.submit'));
  const cancel = h('button', { type: 'button', class: 'secondary', testid: 'hold-cancel', onclick: () => onCancel && onCancel() },
    t('vacancy.hold.cancel'));
  const id = `hold-${Math.random().toString(36).slice(2, 8)}`;
  const row = (key, label, control) => h('label', { class: 'vac-inline-field', for: `${id}-${key}` }, label, Object.assign(control, { id: `${id}-${key}` }));
  const form = h('form', { class: 'vac-hold-form card', testid: 'hold-form', novalidate: true, dataset: { facilityId: String(target.facility.id) } },
    h('p', { class: 'strong' }, `${target.facility.name || ''} ・ ${kindLabel(target.kind)} ・ ${rangeText(target.from, target.to)}`),
    h('div', { class: 'vac-form-row' },
      row('beds', t('vacancy.hold.beds'), beds),
      row('room', t('vacancy.room'), room),
      row('client', t('vacancy.hold.client'), client),
      row('note', t('vacancy.hold.note'), note)),
    err,
    h('div', { class: 'form-actions' }, submit, cancel),
    result);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      showError(err, null);
      try {
        const data = await api('POST', '/holds', {
          facility_id: target.facility.id, kind: target.kind, room: room.value,
          beds: Number(beds.value || 1), from: target.from, to: target.to,
          client_label: client.value.trim(), note: note.value.trim(),
        });
        const hold = data.hold;
        result.replaceChildren(h('p', { class: 'ok', role: 'status', testid: 'hold-placed', dataset: { id: String(hold.id) } },
          t('vacancy.hold.placed', { time: hold.expires_at ? timeEl(hold.expires_at).textContent : '' }), ' ',
          h('a', { href: `#/vacancy/holds/${enc(hold.id)}`, testid: 'hold-placed-link' }, t('vacancy.hold.open'))));
        submit.hidden = true;
        announce(t('vacancy.hold.placed', { time: '' }));
        if (onPlaced) onPlaced(hold);
      } catch (e) {
        showError(err, e);
      }
    });
  });
  return form;
}

/** A hold as a row of facts with its actions; onChange(hold) after confirm/release. */
export function holdCard(hold, { canConfirm = false, canRelease = true, onChange } = {}) {
  const err = errorLine('hold-action-error');
  const live = hold.status === 'held' || hold.status === 'confirmed';
  const act = (what) => async (ev) => {
    if (what === 'release' && !window.confirm(t('vacancy.hold.releaseConfirm'))) return;
    await busy(ev.currentTarget, async () => {
      showError(err, null);
      try {
        const data = await api('POST', `/holds/${enc(hold.id)}/${what}`, {});
        if (onChange) onChange(data.hold);
      } catch (e) {
        showError(err, e);
      }
    });
  };
  const row = (label, value, testid) => h('div', { class: 'card-row' }, h('dt', {}, label), h('dd', { testid }, value));
  return h('article', {
    class: 'card vac-hold', testid: 'hold-card', dataset: { id: String(hold.id), status: hold.status || '' },
  },
  h('header', { class: 'vac-hold-head' },
    h('a', { href: `#/vacancy/holds/${enc(hold.id)}`, class: 'strong', testid: 'hold-link' },
      `${(hold.facility && hold.facility.name) || ''}`),
    h('span', { class: `tag vac-status vac-status-${hold.status}`, testid: 'hold-status', dataset: { status: hold.status || '' } },
      statusLabel(hold.status))),
  h('dl', { class: 'record-values' },
    row(t('vacancy.hold.nights'), `${kindLabel(hold.kind)} ・ ${rangeText(hold.from, hold.to)}`, 'hold-nights'),
    row(t('vacancy.room'), `${roomLabel(hold.room)} × ${hold.beds}`, 'hold-room-beds'),
    row(t('vacancy.hold.client'), hold.client_label || '', 'hold-client-label'),
    hold.note ? row(t('vacancy.hold.note'), h('span', { class: 'pre-wrap' }, hold.note), 'hold-note-text') : null,
    hold.holder ? row(t('vacancy.hold.holder'),
      `${hold.holder.name || ''}${hold.holder.organisation ? `（${hold.holder.organisation.name || ''}）` : ''}`, 'hold-holder') : null,
    row(t('vacancy.hold.created'), timeEl(hold.created_at), 'hold-created'),
    hold.status === 'held' && hold.expires_at ? row(t('vacancy.hold.expires'), timeEl(hold.expires_at), 'hold-expires') : null,
    hold.confirmed_at ? row(t('vacancy.hold.confirmedAt'), timeEl(hold.confirmed_at), 'hold-confirmed-at') : null,
    hold.released_at ? row(t('vacancy.hold.releasedAt'), timeEl(hold.released_at), 'hold-released-at') : null),
  live ? h('div', { class: 'form-actions' },
    canConfirm && hold.status === 'held'
      ? h('button', { type: 'button', class: 'primary', testid: 'hold-confirm', onclick: act('confirm') }, t('vacancy.hold.confirm')) : null,
    canRelease ? h('button', { type: 'button', class: 'secondary', testid: 'hold-release', onclick: act('release') }, t('vacancy.hold.release')) : null)
    : null,
  err);
}

/**
 * A list of holds from GET /holds?<query>; staff: whether the reader is the
 * facility's staff (may confirm). Returns the element; it reloads on the
 * holds' notifications.
 */
export function holdList(query, ctx, { staff = false, testid = 'hold-list' } = {}) {
  const list = h('div', { class: 'vac-hold-list', testid, dataset: { state: 'loading' } });
  const status = h('select', { testid: `${testid}-status` },
    h('option', { value: '' }, t('vacancy.holds.allStatus')),
    ...['held', 'confirmed', 'released', 'expired'].map((s) => h('option', { value: s }, statusLabel(s))));
  let seq = 0;
  async function load() {
    const mine = ++seq;
    const p = new URLSearchParams(query);
    if (status.value) p.set('status', status.value);
    list.dataset.state = 'loading';
    try {
      const data = await api('GET', `/holds?${p}`);
      if (!ctx.alive || mine !== seq) return;
      const holds = data.holds || [];
      list.replaceChildren(...(holds.length ? holds.map((x) => holdCard(x, { canConfirm: staff, onChange: () => load() }))
        : [h('p', { class: 'muted' }, t('vacancy.holds.none'))]));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      list.replaceChildren(notAvailable(e));
      list.dataset.state = 'error';
    }
  }
  status.addEventListener('change', load);
  onVacancyNews(ctx, (n) => { if (/^hold_/.test(n.kind)) load(); });
  load();
  return h('div', {}, h('div', { class: 'filter-bar' }, status), list);
}

async function oneHold(root, route, ctx) {
  const box = h('div', { testid: 'hold-page', dataset: { state: 'loading' } }, h('p', { class: 'muted' }, t('common.loading')));
  root.replaceChildren(vacancyFrame('holds', 'vacancy-page', box));
  async function load() {
    try {
      const hold = (await api('GET', `/holds/${enc(route.id)}`)).hold;
      if (!ctx.alive) return;
      // The facility's staff may confirm: they are the ones who see its holds.
      let staff = false;
      try {
        await api('GET', `/holds?facility=${enc(hold.facility.id)}&status=confirmed`);
        staff = true;
      } catch {
        staff = false;
      }
      if (!ctx.alive) return;
      box.replaceChildren(holdCard(hold, { canConfirm: staff, onChange: () => load() }),
        h('nav', { class: 'page-links' },
          h('a', { href: '#/vacancy/holds' }, t('vacancy.holds.title')),
          staff ? h('a', { href: `#/vacancy/facilities/${enc(hold.facility.id)}` }, t('vacancy.mine.update')) : null));
      box.dataset.state = 'loaded';
      box.dataset.status = hold.status || '';
    } catch (e) {
      if (!ctx.alive) return;
      box.replaceChildren(e instanceof ApiError && e.status === 404
        ? h('p', { class: 'form-error', role: 'alert', testid: 'vac-error' }, t('vacancy.hold.notFound')) : notAvailable(e));
      box.dataset.state = 'error';
    }
  }
  onVacancyNews(ctx, (n) => { if (typeof n.link === 'string' && n.link.endsWith(`/holds/${route.id}`)) load(); });
  load();
}

/** #/vacancy/holds (mine) and #/vacancy/holds/<id> */
export function renderHolds(root, route, ctx) {
  if (route.id) { oneHold(root, route, ctx); return; }
  root.replaceChildren(vacancyFrame('holds', 'vacancy-page',
    h('section', { class: 'card page-section' }, h('h2', { class: 'section-title' }, t('vacancy.holds.title')),
      holdList({ mine: '1' }, ctx, { staff: false, testid: 'my-holds' }))));
}
