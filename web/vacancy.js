// The vacancy pages (空き情報, #/vacancy/...): what they share — the codes
// the pages offer, their labels, days in Asia/Tokyo, the stale marker, the
// API's refusals shown next to a form — and the router between them:
//   #/vacancy                      the board (vacancyboard.js)
//   #/vacancy/search               search with conditions (vacancysearch.js)
//   #/vacancy/watches[/<id>]       my watches (vacancywatches.js)
//   #/vacancy/holds[/<id>]         holds (vacancyholds.js)
//   #/vacancy/facilities[/<id>]    my facilities and their update form (vacancyfacility.js)

import { h, enc, timeEl } from './dom.js';
import { t, has, lang } from './i18n.js';
import { ApiError, errorText } from './api.js';
import { tokyoDay } from './apps.js';

export const KINDS = ['short_stay', 'backup'];
export const LEVELS = ['support_1', 'support_2', 'care_1', 'care_2', 'care_3', 'care_4', 'care_5'];
export const CARE_LEVELS = LEVELS;
export const CAPABILITIES = ['dementia', 'medical', 'terminal', 'lang_en', 'lang_zh', 'lang_ko', 'lang_vi', 'lang_pt'];
export const CONDITIONS = ['dementia', 'tube_feeding', 'insulin', 'dialysis', 'oxygen', 'suction', 'catheter',
  'wheelchair', 'bedridden', 'stoma'];
export const HORIZON_DAYS = 90;

/** What a directory kind offers: 'short_stay', 'backup', 'capacity' or null. */
export function offersOf(kind) {
  if (kind === '居宅介護支援事業所') return 'capacity';
  if (kind === '短期入所生活介護' || kind === '短期入所療養介護') return 'short_stay';
  if (kind === '病院' || kind === '診療所') return 'backup';
  return null;
}

function label(prefix, code) {
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : String(code ?? '');
}
export const levelLabel = (c) => label('vacancy.level', c);
export const condLabel = (c) => label('vacancy.cond', c);
export const capLabel = (c) => label('vacancy.cap', c);
export const kindLabel = (c) => label('vacancy.kind', c);
export const roomLabel = (c) => label('vacancy.room', c);
export const statusLabel = (c) => label('vacancy.hold.status', c);

/** "YYYY-MM-DD", n days after today in Asia/Tokyo. */
export function dayPlus(n) {
  return tokyoDay(new Date(Date.now() + n * 86400_000));
}

/** A day "YYYY-MM-DD" shown short: "11/25(水)" or "25 Nov (Wed)". */
export function dayShort(day) {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return String(day || '');
  if (lang() === 'en') {
    return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', weekday: 'short', timeZone: 'UTC' });
  }
  const wd = '日月火水木金土'[d.getUTCDay()];
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}(${wd})`;
}

/** The weekday of a day (0 Sunday). */
export function weekday(day) {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** "from 〜 to" of a range of days. */
export function rangeText(from, to) {
  return from === to ? dayShort(from) : `${dayShort(from)} 〜 ${dayShort(to)}`;
}

/** Last updated and the stale marker of a facility's data. */
export function freshnessEl(updatedAt, stale) {
  return h('span', { class: 'vac-fresh', testid: 'vac-freshness', dataset: { stale: String(!!stale) } },
    updatedAt ? timeEl(updatedAt) : h('span', { class: 'muted' }, t('vacancy.never')),
    stale ? h('span', { class: 'tag vac-stale', testid: 'vac-stale', title: t('vacancy.staleHint') }, t('vacancy.stale')) : null);
}

/** Total of {men, women, either}. */
export function totalOf(a) {
  return a ? (a.men || 0) + (a.women || 0) + (a.either || 0) : 0;
}

/** A refusal of the vacancy API as a person reads it: our text, then the API's own (it names the night). */
export function vacError(e, fallback = 'vacancy.saveFailed') {
  if (!(e instanceof ApiError)) return t(fallback);
  const key = `vacancy.error.${e.code}`;
  if ((e.status === 400 || e.status === 409 || e.status === 403) && has(key)) {
    return e.message ? `${t(key)}（${e.message}）` : t(key);
  }
  if ((e.status === 400 || e.status === 409) && e.message) return e.message;
  return errorText(e, fallback);
}

/** Write a refusal into an error line (role=alert); data-code says which. */
export function showError(line, e, fallback) {
  line.textContent = e ? vacError(e, fallback) : '';
  line.dataset.code = e && e instanceof ApiError ? e.code : '';
}

/** The line shown when the caller may not see vacancies (404 everywhere). */
export function notAvailable(e, testid = 'vac-error') {
  const hidden = e instanceof ApiError && e.status === 404;
  return h('p', { class: 'form-error', role: 'alert', testid, dataset: { code: e instanceof ApiError ? e.code : '' } },
    hidden ? t('vacancy.notAvailable') : vacError(e, 'vacancy.loadFailed'));
}

/** The menu of the vacancy pages; `current` is the tab's name. */
export function vacancyTabs(current) {
  const tab = (name, href) => h('a', {
    href, class: 'tab', testid: `vac-tab-${name}`, 'aria-current': current === name ? 'page' : null,
  }, t(`vacancy.tab.${name}`));
  return h('nav', { class: 'tabs vac-tabs', 'aria-label': t('vacancy.tabs') },
    tab('board', '#/vacancy'), tab('search', '#/vacancy/search'), tab('watches', '#/vacancy/watches'),
    tab('holds', '#/vacancy/holds'), tab('facilities', '#/vacancy/facilities'));
}

/** The page's frame: title, menu, then the content. */
export function vacancyFrame(current, testid, ...content) {
  return h('div', { class: 'vac-page', testid },
    h('h1', { class: 'page-title' }, t('vacancy.title')),
    vacancyTabs(current),
    ...content);
}

/** A group of checkboxes of codes; returns {el, values(), set(list)}. */
export function checkGroup(prefix, codes, labelFn, legend, checked = []) {
  const boxes = codes.map((c) => h('input', { type: 'checkbox', value: c, testid: `${prefix}-${c}`, checked: checked.includes(c) }));
  const el = h('fieldset', { class: 'vac-checks' }, h('legend', {}, legend),
    h('div', { class: 'inline-checks' }, ...boxes.map((b) => h('label', { class: 'check' }, b, ` ${labelFn(b.value)}`))));
  return {
    el,
    values: () => boxes.filter((b) => b.checked).map((b) => b.value),
    set: (list) => { for (const b of boxes) b.checked = list.includes(b.value); },
  };
}

/** A <select> of codes with labels; first: [value, label] of an empty choice, or null. */
export function codeSelect(testid, codes, labelFn, first, value) {
  const opts = codes.map((c) => h('option', { value: c }, labelFn(c)));
  if (first) opts.unshift(h('option', { value: first[0] }, first[1]));
  const sel = h('select', { testid }, ...opts);
  if (value != null) sel.value = value;
  return sel;
}

/** The link to a facility's directory page, with its district. */
export function facilityName(f) {
  return h('span', { class: 'vac-facility' },
    h('a', { href: `#/facilities/${enc(f.id)}`, class: 'strong', testid: 'vac-facility-link' }, f.name || ''),
    f.district ? h('span', { class: 'muted small' }, ` ${f.district}`) : null);
}

/**
 * Run the page of a route {sub, id, params}: one of the pages listed at
 * the top. Modules are loaded when first opened.
 */
export async function renderVacancy(root, route, ctx) {
  const pages = {
    '': () => import('./vacancyboard.js').then((m) => m.renderBoard),
    search: () => import('./vacancysearch.js').then((m) => m.renderSearch),
    watches: () => import('./vacancywatches.js').then((m) => m.renderWatches),
    holds: () => import('./vacancyholds.js').then((m) => m.renderHolds),
    facilities: () => import('./vacancyfacility.js').then((m) => m.renderMyFacilities),
  };
  const load = pages[route.sub || ''] || pages[''];
  const render = await load();
  if (!ctx.alive) return;
  render(root, route, ctx);
}

/** Whether the person's profession may read vacancies by default (the nav hides it otherwise). */
export function mayReadVacancies(user) {
  return !!user && !['police_officer', 'firefighter'].includes(user.profession);
}

export const VACANCY_KINDS = ['vacancy_match', 'vacancy_stale', 'hold_placed', 'hold_confirmed', 'hold_released'];

/**
 * fn(notification) for every live notification about vacancies while the
 * page of ctx is shown (feed.js tells them as a 'carelink:notification' event).
 */
export function onVacancyNews(ctx, fn) {
  const listener = (ev) => {
    if (!ctx.alive) { window.removeEventListener('carelink:notification', listener); return; }
    const n = ev.detail;
    if (n && VACANCY_KINDS.includes(n.kind)) fn(n);
  };
  window.addEventListener('carelink:notification', listener);
}
