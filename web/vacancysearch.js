// Search with conditions (#/vacancy/search): kind, nights from … to, room,
// care level, conditions, district, near a facility or a point within a
// radius. Results show each night's free beds, the fewest, the distance,
// last updated and stale; a hold button opens the hold form (vacancyholds.js);
// "save this search" makes a watch (POST /watches) that notifies when a
// facility starts matching.

import { h, enc, busy, errorLine } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import {
  vacancyFrame, dayPlus, dayShort, freshnessEl, facilityName, showError, codeSelect, checkGroup,
  LEVELS, CONDITIONS, HORIZON_DAYS, levelLabel, condLabel, roomLabel, kindLabel, rangeText,
} from './vacancy.js';
import { districtSelect } from './vacancyboard.js';
import { holdForm } from './vacancyholds.js';

/** The hold form's room for a search's room. */
export function holdRoom(room) {
  return room === 'men' || room === 'women' ? room : 'either';
}

function dateInput(testid, value) {
  return h('input', { type: 'date', testid, value, min: dayPlus(0), max: dayPlus(HORIZON_DAYS - 1), required: true });
}

/** The near-a-facility choice: the directory's facilities with coordinates. */
function nearSelect(value) {
  const sel = h('select', { testid: 'search-near-facility' }, h('option', { value: '' }, t('vacancy.nearNone')));
  api('GET', '/facilities?limit=100').then((d) => {
    const fs = (d.facilities || []).filter((f) => f.latitude != null && f.longitude != null);
    sel.append(...fs.map((f) => h('option', { value: `${f.latitude},${f.longitude}`, dataset: { id: String(f.id) } }, f.name || '')));
    if (value) sel.value = value;
  }).catch(() => {});
  return sel;
}

function labelled(label, control) {
  return h('label', { class: 'vac-inline-field' }, h('span', {}, label), control);
}

/** One result row, with its hold button and the hold form below it when open. */
function resultItem(r, q) {
  const formBox = h('div', {});
  const holdBtn = h('button', { type: 'button', class: 'primary small-btn', testid: 'result-hold' }, t('vacancy.hold'));
  holdBtn.addEventListener('click', () => {
    if (formBox.children.length) { formBox.replaceChildren(); return; }
    formBox.replaceChildren(holdForm({ facility: r.facility, kind: q.kind, from: q.from, to: q.to, room: holdRoom(q.room) },
      { onCancel: () => formBox.replaceChildren() }));
    formBox.querySelector('[data-testid="hold-client"]').focus();
  });
  return h('li', { class: 'card vac-result', testid: 'search-result', dataset: { id: String(r.facility.id), min: String(r.min_available) } },
    h('div', { class: 'vac-result-head' },
      facilityName(r.facility),
      h('span', { class: 'tag tag-kind' }, r.facility.kind || ''),
      h('span', { class: 'vac-min', testid: 'result-min' }, `${t('vacancy.search.min')} ${r.min_available}`),
      r.distance_km != null ? h('span', { class: 'muted', testid: 'result-distance' },
        `${t('vacancy.search.distance')} ${t('vacancy.search.km', { d: Number(r.distance_km).toFixed(1) })}`) : null,
      freshnessEl(r.updated_at, r.stale),
      holdBtn),
    h('ol', { class: 'vac-nights', 'aria-label': t('vacancy.search.nights') },
      ...(r.nights || []).map((n) => h('li', { class: n.available ? 'vac-free' : 'vac-full', dataset: { day: n.day } },
        h('span', { class: 'small' }, dayShort(n.day)), h('span', { class: 'strong' }, String(n.available))))),
    formBox);
}

/** #/vacancy/search[?kind=&from=&to=&room=&care_level=&district=] */
export function renderSearch(root, route, ctx) {
  const p = route.params || new URLSearchParams();
  const kind = codeSelect('search-kind', ['short_stay', 'backup'], kindLabel, null, p.get('kind') || 'short_stay');
  const from = dateInput('search-from', p.get('from') || dayPlus(0));
  const to = dateInput('search-to', p.get('to') || dayPlus(2));
  const room = codeSelect('search-room', ['any', 'women', 'men'], roomLabel, null, p.get('room') || 'any');
  const level = codeSelect('search-care-level', LEVELS, levelLabel, ['', t('vacancy.anyLevel')], p.get('care_level') || '');
  const conds = checkGroup('search-cond', CONDITIONS, condLabel, t('vacancy.conditions'), (p.get('conditions') || '').split(',').filter(Boolean));
  const district = districtSelect('search-district', p.get('district'));
  const near = nearSelect(p.get('near'));
  const point = h('input', { type: 'text', testid: 'search-point', placeholder: '35.69,139.33', value: p.get('near') || '' });
  const radius = h('input', { type: 'number', min: '0.1', max: '200', step: '0.1', testid: 'search-radius', value: p.get('radius_km') || '' });
  near.addEventListener('change', () => { point.value = near.value; });
  const err = errorLine('search-error');
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'search-submit' }, t('vacancy.search.submit'));
  const results = h('ol', { class: 'vac-results', testid: 'search-results', dataset: { state: 'idle' } });
  const count = h('p', { class: 'muted', role: 'status', testid: 'search-count' });

  // "save this search"
  const saveName = h('input', { type: 'text', maxlength: '60', testid: 'watch-name' });
  const saveErr = errorLine('watch-error');
  const saveOk = h('p', { class: 'ok', role: 'status', testid: 'watch-saved', hidden: true });
  const saveBtn = h('button', { type: 'button', class: 'secondary', testid: 'watch-save' }, t('vacancy.search.saveSubmit'));

  function query() {
    const q = {
      kind: kind.value, from: from.value, to: to.value, room: room.value,
      care_level: level.value || null, conditions: conds.values(), district: district.value || null,
      near: point.value.trim() || null, radius_km: radius.value ? Number(radius.value) : null,
    };
    return q;
  }
  function searchParams(q) {
    const s = new URLSearchParams({ kind: q.kind, from: q.from, to: q.to, room: q.room });
    if (q.care_level) s.set('care_level', q.care_level);
    if (q.conditions.length) s.set('conditions', q.conditions.join(','));
    if (q.district) s.set('district', q.district);
    if (q.near) s.set('near', q.near);
    if (q.near && q.radius_km != null) s.set('radius_km', String(q.radius_km));
    return s;
  }
  if (!saveName.value) saveName.placeholder = t('vacancy.search.saveName');

  let seq = 0;
  async function search() {
    const mine = ++seq;
    const q = query();
    showError(err, null);
    results.dataset.state = 'loading';
    try {
      const data = await api('GET', `/search/beds?${searchParams(q)}`);
      if (!ctx.alive || mine !== seq) return;
      const rs = data.results || [];
      results.replaceChildren(...rs.map((r) => resultItem(r, q)));
      count.textContent = rs.length ? t('vacancy.search.count', { n: rs.length }) : t('vacancy.search.none');
      results.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      showError(err, e, 'vacancy.loadFailed');
      results.replaceChildren();
      count.textContent = '';
      results.dataset.state = 'error';
    }
  }
  const form = h('form', { class: 'card page-section vac-search-form', testid: 'search-form', novalidate: true },
    h('h2', { class: 'section-title' }, t('vacancy.search.title')),
    h('div', { class: 'vac-form-row' },
      labelled(t('vacancy.kind'), kind), labelled(t('vacancy.from'), from), labelled(t('vacancy.to'), to),
      labelled(t('vacancy.room'), room), labelled(t('vacancy.careLevel'), level), labelled(t('vacancy.district'), district)),
    conds.el,
    h('div', { class: 'vac-form-row' },
      labelled(t('vacancy.near'), near), labelled(t('vacancy.point'), point), labelled(t('vacancy.radius'), radius)),
    err,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); busy(submit, search); });

  saveBtn.addEventListener('click', () => busy(saveBtn, async () => {
    showError(saveErr, null);
    saveOk.hidden = true;
    const q = query();
    const name = saveName.value.trim() || `${kindLabel(q.kind)} ${rangeText(q.from, q.to)}`;
    const body = { name, kind: q.kind, from: q.from, to: q.to, room: q.room, conditions: q.conditions };
    if (q.care_level) body.care_level = q.care_level;
    if (q.district) body.district = q.district;
    if (q.near) body.near = q.near;
    if (q.near && q.radius_km != null) body.radius_km = q.radius_km;
    try {
      const w = (await api('POST', '/watches', body)).watch;
      if (!ctx.alive) return;
      saveOk.replaceChildren(t('vacancy.search.saved'), ' ',
        h('a', { href: `#/vacancy/watches/${enc(w.id)}`, testid: 'watch-saved-link' }, t('vacancy.search.openWatch')));
      saveOk.dataset.id = String(w.id);
      saveOk.hidden = false;
    } catch (e) {
      showError(saveErr, e);
    }
  }));

  root.replaceChildren(vacancyFrame('search', 'vacancy-page',
    form,
    h('section', { class: 'card page-section vac-save', testid: 'watch-form' },
      h('h2', { class: 'section-title' }, t('vacancy.search.save')),
      h('div', { class: 'vac-form-row' }, labelled(t('vacancy.search.saveName'), saveName), saveBtn),
      saveErr, saveOk),
    h('section', { class: 'page-section' }, count, results)));
  if (p.get('from')) search();
}
