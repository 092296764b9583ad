// My facilities (#/vacancy/facilities): the facilities whose vacancies the
// person updates (GET /freshness, entries with own: true), with their
// freshness; and a facility's own update form (#/vacancy/facilities/<id>):
// the next days' beds and a bulk range form (PUT /facilities/<id>/beds) for
// short-stay and backup beds, or the capacity form (PUT …/capacity) for a
// home-care support office; below it the facility's holds to confirm or
// release.

import { h, enc, busy, errorLine } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import {
  vacancyFrame, dayPlus, dayShort, weekday, freshnessEl, showError, notAvailable, checkGroup,
  LEVELS, CONDITIONS, CAPABILITIES, HORIZON_DAYS, levelLabel, condLabel, capLabel, kindLabel, offersOf,
  onVacancyNews,
} from './vacancy.js';
import { holdList } from './vacancyholds.js';

const SHOWN_DAYS = 14;

function labelled(label, control) {
  return h('label', { class: 'vac-inline-field' }, h('span', {}, label), control);
}

function countInput(testid, value, max = 999) {
  return h('input', { type: 'number', min: '0', max: String(max), step: '1', testid, value: String(value ?? 0), class: 'vac-count' });
}

/** The next days' beds as a table. */
function bedsTable(data) {
  const row = (d) => h('tr', { testid: 'beds-day', dataset: { day: d.day, men: String(d.men), women: String(d.women), either: String(d.either), held: String(d.held) } },
    h('th', { scope: 'row', class: `wd-${weekday(d.day)}` }, dayShort(d.day)),
    h('td', {}, String(d.men)), h('td', {}, String(d.women)), h('td', {}, String(d.either)), h('td', {}, String(d.held)),
    h('td', {}, (d.care_levels || []).map(levelLabel).join('・')),
    h('td', {}, (d.conditions || []).map(condLabel).join('・')));
  return h('div', { class: 'table-scroll' }, h('table', { class: 'data-table vac-beds' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, t('vacancy.update.men')), h('th', {}, t('vacancy.update.women')),
      h('th', {}, t('vacancy.update.either')), h('th', {}, t('vacancy.update.held')), h('th', {}, t('vacancy.careLevels')),
      h('th', {}, t('vacancy.conditions')))),
    h('tbody', {}, ...(data.days || []).map(row))));
}

function bedsSection(f, kind, ctx, staff) {
  const days = h('div', { testid: 'beds-days', dataset: { state: 'loading' } });
  const fresh = h('p', { class: 'muted', testid: 'beds-freshness' });
  const from = h('input', { type: 'date', testid: 'beds-from', value: dayPlus(0), min: dayPlus(0), max: dayPlus(HORIZON_DAYS - 1) });
  const to = h('input', { type: 'date', testid: 'beds-to', value: dayPlus(6), min: dayPlus(0), max: dayPlus(HORIZON_DAYS - 1) });
  const men = countInput('beds-men', 0);
  const women = countInput('beds-women', 0);
  const either = countInput('beds-either', 0);
  const levels = checkGroup('beds-level', LEVELS, levelLabel, t('vacancy.careLevels'));
  const conds = checkGroup('beds-cond', CONDITIONS, condLabel, t('vacancy.conditions'));
  const err = errorLine('beds-error');
  const ok = h('p', { class: 'ok', role: 'status', testid: 'beds-saved', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'beds-submit' }, t('vacancy.update.submit'));
  let filled = false;
  async function load() {
    days.dataset.state = 'loading';
    try {
      const p = new URLSearchParams({ kind, from: dayPlus(0), to: dayPlus(SHOWN_DAYS - 1) });
      const data = await api('GET', `/facilities/${enc(f.id)}/beds?${p}`);
      if (!ctx.alive) return;
      days.replaceChildren(bedsTable(data));
      fresh.replaceChildren(`${t('vacancy.updated')}: `, freshnessEl(data.updated_at, data.stale),
        data.updated_by && data.updated_by.name ? ` ${t('vacancy.updatedBy', { name: data.updated_by.name })}` : '');
      const first = (data.days || [])[0];
      if (first && !filled) {
        // the form starts from today's declaration
        filled = true;
        men.value = String(first.men); women.value = String(first.women); either.value = String(first.either);
        levels.set(first.care_levels || []); conds.set(first.conditions || []);
      }
      days.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive) return;
      days.replaceChildren(notAvailable(e));
      days.dataset.state = 'error';
    }
  }
  const form = h('form', { class: 'vac-range-form', testid: 'beds-form', novalidate: true, dataset: { kind } },
    h('h3', { class: 'sub-title' }, t('vacancy.update.range')),
    h('div', { class: 'vac-form-row' }, labelled(t('vacancy.from'), from), labelled(t('vacancy.to'), to),
      labelled(t('vacancy.update.men'), men), labelled(t('vacancy.update.women'), women), labelled(t('vacancy.update.either'), either)),
    levels.el, conds.el, err,
    h('div', { class: 'form-actions' }, submit), ok);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      showError(err, null);
      ok.hidden = true;
      try {
        await api('PUT', `/facilities/${enc(f.id)}/beds`, {
          kind, from: from.value, to: to.value,
          men: Number(men.value), women: Number(women.value), either: Number(either.value),
          care_levels: levels.values(), conditions: conds.values(),
        });
        if (!ctx.alive) return;
        ok.textContent = `${t('vacancy.update.saved')}（${dayShort(from.value)} 〜 ${dayShort(to.value)}）`;
        ok.hidden = false;
        await load();
      } catch (e) {
        showError(err, e);
      }
    });
  });
  onVacancyNews(ctx, (n) => { if (/^hold_/.test(n.kind)) load(); });
  load();
  return h('section', { class: 'card page-section wide-section', testid: 'beds-section', dataset: { kind } },
    h('h2', { class: 'section-title' }, `${kindLabel(kind)} ・ ${t('vacancy.update.next', { n: SHOWN_DAYS })}`),
    fresh, days, staff ? form : h('p', { class: 'muted', testid: 'vac-not-staff' }, t('vacancy.update.notStaff')));
}

function capacitySection(f, cap, ctx, staff) {
  const inputs = LEVELS.map((l) => countInput(`cap-${l}`, (cap.levels && cap.levels[l]) || 0, 99));
  const caps = checkGroup('cap-capability', CAPABILITIES, capLabel, t('vacancy.capacity.capabilities'), cap.capabilities || []);
  const note = h('textarea', { testid: 'cap-note', rows: '3', maxlength: '2000' });
  note.value = cap.note || '';
  const err = errorLine('cap-error');
  const ok = h('p', { class: 'ok', role: 'status', testid: 'cap-saved', hidden: true });
  const fresh = h('p', { class: 'muted', testid: 'cap-freshness' });
  const paintFresh = (c) => fresh.replaceChildren(`${t('vacancy.updated')}: `, freshnessEl(c.updated_at, c.stale),
    c.updated_by && c.updated_by.name ? ` ${t('vacancy.updatedBy', { name: c.updated_by.name })}` : '');
  paintFresh(cap);
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'cap-submit' }, t('vacancy.update.capacitySubmit'));
  const form = h('form', { class: 'vac-range-form', testid: 'cap-form', novalidate: true },
    h('p', { class: 'muted small' }, t('vacancy.update.levelsHint')),
    h('div', { class: 'vac-form-row' }, ...LEVELS.map((l, i) => labelled(levelLabel(l), inputs[i]))),
    caps.el,
    labelled(t('vacancy.capacity.note'), note),
    err, h('div', { class: 'form-actions' }, submit), ok);
  if (!staff) for (const el of form.querySelectorAll('input, textarea, button')) el.disabled = true;
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      showError(err, null);
      ok.hidden = true;
      const levels = {};
      LEVELS.forEach((l, i) => { levels[l] = Number(inputs[i].value); });
      try {
        const c = (await api('PUT', `/facilities/${enc(f.id)}/capacity`, { levels, capabilities: caps.values(), note: note.value })).capacity;
        if (!ctx.alive) return;
        paintFresh(c);
        ok.textContent = t('vacancy.update.saved');
        ok.hidden = false;
      } catch (e) {
        showError(err, e);
      }
    });
  });
  return h('section', { class: 'card page-section', testid: 'cap-section' },
    h('h2', { class: 'section-title' }, t('vacancy.kind.capacity')), fresh, form,
    staff ? null : h('p', { class: 'muted', testid: 'vac-not-staff' }, t('vacancy.update.notStaff')));
}

async function facilityForm(root, route, ctx) {
  const box = h('div', { testid: 'vac-facility-page', dataset: { state: 'loading' } }, h('p', { class: 'muted' }, t('common.loading')));
  root.replaceChildren(vacancyFrame('facilities', 'vacancy-page', box));
  try {
    // capacity answers for any kind: it names the facility and its kind
    const cap = (await api('GET', `/facilities/${enc(route.id)}/capacity`)).capacity;
    const f = cap.facility;
    const staff = await isStaff(f.id);
    if (!ctx.alive) return;
    const offers = offersOf(f.kind);
    let body;
    if (offers === 'capacity') body = capacitySection(f, cap, ctx, staff);
    else if (offers) body = bedsSection(f, offers, ctx, staff);
    else body = h('p', { class: 'muted', testid: 'vac-no-offer' }, t('vacancy.update.noOffer'));
    box.replaceChildren(
      h('h2', { class: 'page-title', testid: 'vac-facility-name' }, f.name || ''),
      h('p', { class: 'muted' }, [f.kind, f.district].filter(Boolean).join(' ・ ')),
      body,
      staff ? h('section', { class: 'card page-section' }, h('h2', { class: 'section-title' }, t('vacancy.holds.facilityTitle')),
        holdList({ facility: String(f.id) }, ctx, { staff: true, testid: 'facility-holds' })) : null);
    box.dataset.state = 'loaded';
    box.dataset.id = String(f.id);
    box.dataset.staff = String(staff);
  } catch (e) {
    if (!ctx.alive) return;
    box.replaceChildren(notAvailable(e));
    box.dataset.state = 'error';
  }
}

/** Whether the person is the facility's staff: only they may list its holds (others get 403). */
export async function isStaff(id) {
  try {
    await api('GET', `/holds?${new URLSearchParams({ facility: String(id), status: 'confirmed' })}`);
    return true;
  } catch {
    return false;
  }
}

/** The facilities the person updates: freshness's own entries (else the board's, asked one by one). */
async function ownFacilities() {
  try {
    const data = await api('GET', '/freshness');
    return (data.facilities || []).filter((x) => x.own).map((x) => ({
      facility: x.facility, offers: x.offers, updated_at: x.updated_at, stale: x.stale, known: true,
    }));
  } catch {
    const [beds, backup, offices] = await Promise.all([
      api('GET', '/board?kind=short_stay'), api('GET', '/board?kind=backup'), api('GET', '/capacity')]);
    const all = [...(beds.facilities || []).map((x) => ({ ...x, offers: 'short_stay' })),
      ...(backup.facilities || []).map((x) => ({ ...x, offers: 'backup' })),
      ...(offices.offices || []).map((x) => ({ ...x, offers: 'capacity' }))];
    const own = await Promise.all(all.map((x) => isStaff(x.facility.id)));
    return all.filter((_, i) => own[i]).map((x) => ({
      facility: x.facility, offers: x.offers, updated_at: x.updated_at, stale: x.stale, known: true,
    }));
  }
}

function myFacilities(root, ctx) {
  const list = h('ul', { class: 'vac-mine', testid: 'my-facilities', dataset: { state: 'loading' } });
  root.replaceChildren(vacancyFrame('facilities', 'vacancy-page',
    h('section', { class: 'card page-section' }, h('h2', { class: 'section-title' }, t('vacancy.mine.title')), list)));
  ownFacilities().then((items) => {
    if (!ctx.alive) return;
    list.replaceChildren(...(items.length ? items.map((x) => h('li', {
      class: 'facility-item', testid: 'my-facility', dataset: { id: String(x.facility.id), offers: x.offers || '' },
    },
    h('a', { href: `#/vacancy/facilities/${enc(x.facility.id)}`, class: 'strong', testid: 'my-facility-link' }, x.facility.name || ''),
    h('span', { class: 'tag tag-kind' }, kindLabel(x.offers)),
    x.known ? freshnessEl(x.updated_at, x.stale) : null))
      : [h('li', { class: 'muted' }, t('vacancy.mine.none'))]));
    list.dataset.state = 'loaded';
  }).catch((e) => {
    if (!ctx.alive) return;
    list.replaceChildren(h('li', {}, notAvailable(e)));
    list.dataset.state = 'error';
  });
}

/** #/vacancy/facilities and #/vacancy/facilities/<id> */
export function renderMyFacilities(root, route, ctx) {
  if (route.id) facilityForm(root, route, ctx);
  else myFacilities(root, ctx);
}
