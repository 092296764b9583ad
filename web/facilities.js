// The facility directory (事業所一覧, #/facilities): the districts with
// their counts; a district's facilities, filtered by kind and text, in a
// map-free list; and a facility's page (#/facilities/<id>) with all its
// details (phone and fax as tel: links). Facilities that offer vacancies
// show their freshness (last updated, stale) from GET /freshness.

import { h, enc, setMessage } from './dom.js';
import { t } from './i18n.js';
import { api, ApiError } from './api.js';
import { getApp, appError, choiceOptions } from './apps.js';
import { freshnessEl } from './vacancy.js';

/** Facility id -> its freshness entry; empty for who may not see vacancies. */
async function freshness() {
  try {
    const data = await api('GET', '/freshness');
    return new Map((data.facilities || []).map((x) => [String(x.facility.id), x]));
  } catch {
    return new Map();
  }
}

/** The freshness of a facility's vacancies, linking to them, or null. */
function freshnessOf(fresh, id) {
  const x = fresh.get(String(id));
  if (!x) return null;
  return h('span', { class: 'facility-freshness', testid: 'facility-freshness', dataset: { stale: String(!!x.stale), offers: x.offers || '' } },
    h('a', { href: x.own ? `#/vacancy/facilities/${enc(id)}` : '#/vacancy', testid: 'facility-vacancy-link' }, t('vacancy.freshness.link')),
    ` ${t('vacancy.updated')} `, freshnessEl(x.updated_at, x.stale));
}

function tel(v) {
  return v ? h('a', { href: `tel:${String(v).replace(/[^0-9+]/g, '')}` }, v) : null;
}

function facilityItem(f, fresh) {
  return h('li', { class: 'facility-item', testid: 'facility-item', dataset: { id: String(f.id), district: f.district || '' } },
    h('a', { href: `#/facilities/${enc(f.id)}`, class: 'strong', testid: 'facility-link' }, f.name || ''),
    h('span', { class: 'tag tag-kind' }, f.kind || ''),
    h('span', { class: 'muted small' }, [f.address, f.phone].filter(Boolean).join(' ・ ')),
    freshnessOf(fresh, f.id));
}

function directory(root, route, ctx) {
  const st = { district: (route.params && route.params.get('district')) || '', cursor: null, seq: 0, fresh: freshness() };
  const districts = h('ul', { class: 'district-list', testid: 'district-list', dataset: { state: 'loading' } });
  const kind = h('select', { testid: 'facility-kind-filter', 'aria-label': t('facilities.kind') }, h('option', { value: '' }, t('facilities.allKinds')));
  const q = h('input', { type: 'search', testid: 'facility-q', placeholder: t('facilities.search'), 'aria-label': t('facilities.search') });
  const list = h('ul', { class: 'facility-list', testid: 'facility-list', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted', role: 'status' });
  const more = h('button', { type: 'button', class: 'secondary', testid: 'facility-more', hidden: true }, t('common.more'));
  const heading = h('h2', { class: 'section-title', testid: 'facility-heading' }, '');
  getApp('facilities').then((app) => {
    const f = (app.fields || []).find((x) => x.key === 'kind');
    if (f) kind.replaceChildren(...choiceOptions(f.choices, t('facilities.allKinds')));
  }).catch(() => {});

  function markDistrict() {
    for (const b of districts.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.name === st.district));
    heading.textContent = st.district || t('facilities.allDistricts');
  }
  async function loadDistricts() {
    try {
      const data = await api('GET', '/facilities/districts');
      if (!ctx.alive) return;
      const all = data.districts || [];
      const total = all.reduce((n, d) => n + (d.count || 0), 0);
      const btn = (name, label, count) => h('li', {}, h('button', {
        type: 'button', class: 'district-btn', testid: 'district-item', dataset: { name, count: String(count) },
        onclick: () => { st.district = name; markDistrict(); load(); },
      }, h('span', {}, label), h('span', { class: 'badge' }, String(count))));
      districts.replaceChildren(btn('', t('facilities.allDistricts'), total), ...all.map((d) => btn(d.name, d.name, d.count || 0)));
      districts.dataset.state = 'loaded';
      markDistrict();
    } catch (e) {
      if (!ctx.alive) return;
      districts.dataset.state = 'error';
      districts.replaceChildren(h('li', { class: 'form-error' }, appError(e, 'apps.loadFailed')));
    }
  }
  async function load(append = false) {
    const mine = ++st.seq;
    const p = new URLSearchParams({ limit: '100' });
    if (st.district) p.set('district', st.district);
    if (kind.value) p.set('kind', kind.value);
    if (q.value.trim()) p.set('q', q.value.trim());
    if (append && st.cursor) p.set('cursor', st.cursor);
    list.dataset.state = 'loading';
    list.dataset.district = st.district;
    try {
      const [data, fresh] = await Promise.all([api('GET', `/facilities?${p}`), st.fresh]);
      if (!ctx.alive || mine !== st.seq) return;
      const items = (data.facilities || []).map((f) => facilityItem(f, fresh));
      if (append) list.append(...items); else list.replaceChildren(...items);
      st.cursor = data.next_cursor || null;
      more.hidden = !st.cursor;
      setMessage(msg, list.children.length ? '' : t('facilities.none'));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive || mine !== st.seq) return;
      list.dataset.state = 'error';
      setMessage(msg, appError(e, 'apps.loadFailed'));
    }
  }
  let timer = null;
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => load(), 300); });
  kind.addEventListener('change', () => load());
  more.addEventListener('click', () => load(true));
  loadDistricts();
  load();
  markDistrict();
  root.replaceChildren(h('div', { testid: 'facilities-page' },
    h('h1', { class: 'page-title' }, t('facilities.title')),
    h('nav', { class: 'page-links' }, h('a', { href: '#/apps/facilities', testid: 'facilities-app-link' }, t('facilities.asApp'))),
    h('div', { class: 'directory' },
      h('nav', { class: 'card page-section', 'aria-label': t('facilities.districts') }, h('h2', { class: 'section-title' }, t('facilities.districts')), districts),
      h('section', { class: 'card page-section' }, heading, h('div', { class: 'filter-bar' }, kind, q), msg, list, more))));
}

async function facilityPage(root, route, ctx) {
  root.replaceChildren(h('p', { class: 'muted', testid: 'facility-page', dataset: { state: 'loading' } }, t('common.loading')));
  try {
    const [f, fresh] = await Promise.all([
      api('GET', `/facilities/${enc(route.facilityId)}`).then((d) => d.facility), freshness()]);
    if (!ctx.alive) return;
    const row = (label, value, testid) => (value == null || value === '' ? null
      : h('div', { class: 'card-row' }, h('dt', {}, label), h('dd', { testid }, value)));
    const coords = f.latitude != null && f.longitude != null ? `${Number(f.latitude).toFixed(6)}, ${Number(f.longitude).toFixed(6)}` : null;
    root.replaceChildren(h('div', { testid: 'facility-page', dataset: { state: 'loaded', id: String(f.id) } },
      h('nav', { class: 'page-links' },
        h('a', { href: `#/facilities?district=${enc(f.district || '')}` }, t('facilities.back')),
        h('a', { href: `#/app-records/${enc(f.id)}`, testid: 'facility-record-link' }, t('facilities.record'))),
      h('h1', { class: 'page-title', testid: 'facility-name' }, f.name || ''),
      h('section', { class: 'card page-section' }, h('dl', { class: 'record-values' },
        row(t('facilities.kind'), f.kind, 'facility-kind'),
        row(t('facilities.district'), f.district, 'facility-district'),
        row(t('facilities.address'), f.address, 'facility-address'),
        row(t('facilities.phone'), tel(f.phone), 'facility-phone'),
        row(t('facilities.fax'), tel(f.fax), 'facility-fax'),
        row(t('facilities.hours'), f.hours, 'facility-hours'),
        row(t('facilities.capacity'), f.capacity != null ? String(f.capacity) : null, 'facility-capacity'),
        row(t('facilities.contact'), f.contact_person, 'facility-contact'),
        row(t('facilities.organisation'), f.organisation && f.organisation.name, 'facility-org'),
        row(t('facilities.coords'), coords, 'facility-coords'),
        row(t('vacancy.freshness'), freshnessOf(fresh, f.id), 'facility-vacancy'),
        row(t('facilities.note'), f.note ? h('span', { class: 'pre-wrap' }, f.note) : null, 'facility-note')))));
  } catch (e) {
    if (!ctx.alive) return;
    root.replaceChildren(h('p', { class: 'form-error', role: 'alert', testid: 'facility-error' },
      e instanceof ApiError && e.status === 404 ? t('facilities.notFound') : appError(e, 'apps.loadFailed')));
  }
}

/** #/facilities[?district=…] and #/facilities/<id> */
export function renderFacilities(root, route, ctx) {
  if (route.facilityId) facilityPage(root, route, ctx);
  else directory(root, route, ctx);
}
