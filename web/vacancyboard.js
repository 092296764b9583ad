// The vacancy board (#/vacancy): today and the coming two weeks at a
// glance — a row per facility with the free beds of each day, when it was
// last updated and whether that is stale — for short-stay or backup beds,
// by district; and a tab of care-manager capacity (#/vacancy?tab=capacity).

import { h } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import {
  vacancyFrame, dayShort, weekday, freshnessEl, totalOf, facilityName, notAvailable, levelLabel, capLabel,
  codeSelect, LEVELS, CAPABILITIES, onVacancyNews,
} from './vacancy.js';

let districtCache = null;

/** The directory's districts (names), read once. */
export function districts() {
  if (!districtCache) {
    districtCache = api('GET', '/facilities/districts').then((d) => (d.districts || []).map((x) => x.name));
    districtCache.catch(() => { districtCache = null; });
  }
  return districtCache;
}

/** A <select> of districts, filled when they are known. */
export function districtSelect(testid, value) {
  const sel = h('select', { testid, 'aria-label': t('vacancy.district') }, h('option', { value: '' }, t('vacancy.allDistricts')));
  districts().then((names) => {
    sel.append(...names.map((n) => h('option', { value: n }, n)));
    if (value) sel.value = value;
  }).catch(() => {});
  return sel;
}

function cell(d) {
  const a = d.available || {};
  const n = totalOf(a);
  return h('td', {
    class: `vac-cell ${n ? 'vac-free' : 'vac-full'}`, testid: 'board-cell',
    dataset: { day: d.day, available: String(n) },
    title: t('vacancy.availableOf', { men: a.men || 0, women: a.women || 0, either: a.either || 0 }),
  }, String(n));
}

function boardTable(data) {
  const days = data.days || [];
  const head = h('tr', {}, h('th', {}, t('vacancy.facility')),
    ...days.map((d) => h('th', { class: `vac-day wd-${weekday(d)}`, dataset: { day: d } }, dayShort(d))),
    h('th', {}, t('vacancy.updated')));
  const rows = (data.facilities || []).map((f) => h('tr', {
    testid: 'board-row', dataset: { id: String(f.facility.id), stale: String(!!f.stale) },
  }, h('th', { scope: 'row' }, facilityName(f.facility)),
  ...(f.days || []).map(cell),
  h('td', {}, freshnessEl(f.updated_at, f.stale))));
  return h('div', { class: 'table-scroll' },
    h('table', { class: 'data-table vac-board' }, h('thead', {}, head), h('tbody', {}, ...rows)));
}

function boardTab(ctx, params) {
  const kind = h('div', { class: 'tabs', role: 'group', 'aria-label': t('vacancy.kind') });
  const st = { kind: params.get('kind') === 'backup' ? 'backup' : 'short_stay', seq: 0 };
  const kindBtn = (k) => h('button', {
    type: 'button', class: 'tab', testid: `board-kind-${k}`, 'aria-pressed': String(st.kind === k),
    onclick: () => { st.kind = k; for (const b of kind.children) b.setAttribute('aria-pressed', String(b.dataset.kind === k)); load(); },
    dataset: { kind: k },
  }, t(`vacancy.kind.${k}`));
  kind.append(kindBtn('short_stay'), kindBtn('backup'));
  const district = districtSelect('board-district', params.get('district'));
  const box = h('div', { testid: 'board', dataset: { state: 'loading' } });
  async function load() {
    const mine = ++st.seq;
    const p = new URLSearchParams({ kind: st.kind });
    if (district.value) p.set('district', district.value);
    box.dataset.state = 'loading';
    box.dataset.kind = st.kind;
    try {
      const data = await api('GET', `/board?${p}`);
      if (!ctx.alive || mine !== st.seq) return;
      box.replaceChildren((data.facilities || []).length ? boardTable(data) : h('p', { class: 'muted' }, t('vacancy.board.none')));
      box.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive || mine !== st.seq) return;
      box.replaceChildren(notAvailable(e));
      box.dataset.state = 'error';
    }
  }
  district.addEventListener('change', load);
  onVacancyNews(ctx, () => load());
  load();
  return h('section', { class: 'card page-section wide-section' },
    h('h2', { class: 'section-title' }, t('vacancy.board.title')),
    h('div', { class: 'filter-bar' }, kind, district),
    h('p', { class: 'muted small' }, t('vacancy.board.legend')),
    box);
}

function capacityTab(ctx, params) {
  const district = districtSelect('capacity-district', params.get('district'));
  const level = codeSelect('capacity-level', LEVELS, levelLabel, ['', t('vacancy.capacity.anyLevel')]);
  const capability = codeSelect('capacity-capability', CAPABILITIES, capLabel, ['', t('vacancy.capacity.anyCapability')]);
  const box = h('div', { testid: 'capacity', dataset: { state: 'loading' } });
  let seq = 0;
  async function load() {
    const mine = ++seq;
    const p = new URLSearchParams();
    if (district.value) p.set('district', district.value);
    if (level.value) p.set('care_level', level.value);
    if (capability.value) p.set('capability', capability.value);
    box.dataset.state = 'loading';
    try {
      const data = await api('GET', `/capacity?${p}`);
      if (!ctx.alive || mine !== seq) return;
      const offices = data.offices || [];
      const head = h('tr', {}, h('th', {}, t('vacancy.facility')), ...LEVELS.map((l) => h('th', {}, levelLabel(l))),
        h('th', {}, t('vacancy.capacity.capabilities')), h('th', {}, t('vacancy.capacity.note')), h('th', {}, t('vacancy.updated')));
      const rows = offices.map((c) => h('tr', { testid: 'capacity-row', dataset: { id: String(c.facility.id), stale: String(!!c.stale) } },
        h('th', { scope: 'row' }, facilityName(c.facility)),
        ...LEVELS.map((l) => {
          const n = (c.levels && c.levels[l]) || 0;
          return h('td', { class: `vac-cell ${n ? 'vac-free' : 'vac-full'}`, dataset: { level: l } }, String(n));
        }),
        h('td', { class: 'vac-wrap' }, (c.capabilities || []).map(capLabel).join('、')),
        h('td', { class: 'vac-wrap pre-wrap' }, c.note || ''),
        h('td', {}, freshnessEl(c.updated_at, c.stale), c.updated_by && c.updated_by.name
          ? h('div', { class: 'muted small' }, t('vacancy.updatedBy', { name: c.updated_by.name })) : null)));
      box.replaceChildren(offices.length
        ? h('div', { class: 'table-scroll' }, h('table', { class: 'data-table vac-board' }, h('thead', {}, head), h('tbody', {}, ...rows)))
        : h('p', { class: 'muted' }, t('vacancy.capacity.none')));
      box.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      box.replaceChildren(notAvailable(e));
      box.dataset.state = 'error';
    }
  }
  for (const s of [district, level, capability]) s.addEventListener('change', load);
  load();
  return h('section', { class: 'card page-section wide-section' },
    h('h2', { class: 'section-title' }, t('vacancy.capacity.title')),
    h('div', { class: 'filter-bar' }, district, level, capability),
    box);
}

/** #/vacancy[?tab=capacity&kind=&district=] */
export function renderBoard(root, route, ctx) {
  const params = route.params || new URLSearchParams();
  const tab = params.get('tab') === 'capacity' ? 'capacity' : 'beds';
  const sub = h('nav', { class: 'tabs', 'aria-label': t('vacancy.kind') },
    h('a', { href: '#/vacancy', class: 'tab', testid: 'board-tab-beds', 'aria-current': tab === 'beds' ? 'page' : null }, t('vacancy.tab.beds')),
    h('a', { href: `#/vacancy?${new URLSearchParams({ tab: 'capacity' })}`, class: 'tab', testid: 'board-tab-capacity', 'aria-current': tab === 'capacity' ? 'page' : null },
      t('vacancy.kind.capacity')));
  root.replaceChildren(vacancyFrame('board', 'vacancy-page', h('div', { class: 'vac-subtabs' }, sub),
    tab === 'capacity' ? capacityTab(ctx, params) : boardTab(ctx, params)));
}
