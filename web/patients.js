// Patient files (利用者, #/patients/...): what the pages share — codes and
// their labels, the API's refusals shown next to a form, the page's frame,
// the not-found page — and the router between them:
//   #/patients                               my patients and registering one (patientlist.js)
//   #/patients/<id>                          the patient's file: timeline, entry form, team (patientfile.js)
//   #/patients/<id>/entries/<entry>          the same, with one entry opened
//   #/patients/<id>/break-glass              emergency access with a reason (patientaccess.js)
//   #/patients/<id>/access-history           who opened the file (patientaccess.js)
//   #/rounds                                 round entry for several patients (rounds.js)

import { h } from './dom.js';
import { t, has } from './i18n.js';
import { ApiError, errorText, session } from './api.js';

export const CARE_LEVELS = ['none', 'applying', 'support_1', 'support_2', 'care_1', 'care_2', 'care_3', 'care_4', 'care_5'];
export const TEAM_ROLES = ['primary_doctor', 'visiting_nurse', 'care_manager', 'helper', 'pharmacist', 'therapist',
  'hospital_liaison', 'social_worker', 'other'];
export const CONSENT_SCOPES = ['care_team', 'care_team_and_city'];
export const CATEGORIES = ['vitals', 'visit_note', 'medication', 'adl', 'incident', 'message'];
export const VITALS = [
  { key: 'systolic', min: 40, max: 300, step: 1 },
  { key: 'diastolic', min: 20, max: 200, step: 1 },
  { key: 'pulse', min: 20, max: 250, step: 1 },
  { key: 'temperature', min: 30, max: 45, step: 0.1 },
  { key: 'spo2', min: 50, max: 100, step: 1 },
  { key: 'weight', min: 1, max: 300, step: 0.1 },
  { key: 'respiration', min: 4, max: 60, step: 1 },
];
export const ADL_ITEMS = ['eating', 'toileting', 'mobility', 'bathing'];
export const ADL_LEVELS = ['independent', 'watch', 'partial', 'full'];
export const MED_CHANGES = ['start', 'stop', 'dose', 'other'];
export const INCIDENT_KINDS = ['fall', 'choking', 'wandering', 'injury', 'other'];
// Who may open a file by break-glass: doctors and the emergency services.
export const BREAK_GLASS_PROFESSIONS = ['doctor', 'firefighter', 'paramedic', 'police_officer'];

function label(prefix, code) {
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : String(code ?? '');
}
export const levelLabel = (c) => label('pt.level', c);
export const roleLabel = (c) => label('pt.role', c);
export const scopeLabel = (c) => label('pt.scope', c);
export const categoryLabel = (c) => label('pt.cat', c);
export const vitalLabel = (c) => label('pt.vital', c);
export const adlLabel = (c) => label('pt.adl', c);
export const adlLevelLabel = (c) => label('pt.adlLevel', c);
export const changeLabel = (c) => label('pt.change', c);
export const incidentLabel = (c) => label('pt.incident', c);
export const actionLabel = (c) => label('pt.action', c);
export const outcomeLabel = (c) => label('pt.outcome', c);

/** Whether the logged-in person may open a file by break-glass. */
export function mayBreakGlass() {
  return !!session.user && BREAK_GLASS_PROFESSIONS.includes(session.user.profession);
}

/** A refusal of the patient API as a person reads it: our text, then the API's own detail. */
export function ptError(e, fallback = 'pt.saveFailed') {
  if (!(e instanceof ApiError)) return t(fallback);
  if (e.status === 404 && e.code !== 'entry_not_found') return t('pt.notFound');
  const key = `pt.error.${e.code}`;
  if (has(key)) return e.message ? `${t(key)}（${e.message}）` : t(key);
  if ((e.status === 400 || e.status === 409) && e.message) return e.message;
  return errorText(e, fallback);
}

/** Write a refusal into an error line (role=alert); data-code says which. */
export function showError(line, e, fallback) {
  line.textContent = e ? ptError(e, fallback) : '';
  line.dataset.code = e && e instanceof ApiError ? e.code : '';
}

/** The page shown for a file one may not see or that does not exist (both 404). */
export function notFoundPage(patientId, e) {
  const hidden = !(e instanceof ApiError) || e.status === 404;
  return h('div', { class: 'pt-notfound', testid: 'patient-not-found', dataset: { code: e instanceof ApiError ? e.code : '' } },
    h('p', { class: 'form-error', role: 'alert' }, hidden ? t('pt.notFound') : ptError(e, 'pt.loadFailed')),
    hidden && patientId && mayBreakGlass()
      ? h('p', {}, h('a', { href: `#/patients/${encodeURIComponent(patientId)}/break-glass`, testid: 'break-glass-link' },
        t('pt.bg.link')))
      : null,
    h('p', {}, h('a', { href: '#/patients' }, t('pt.backToList'))));
}

/** The menu of the patient pages; `current` is the tab's name. */
export function patientTabs(current) {
  const tab = (name, href) => h('a', {
    href, class: 'tab', testid: `pt-tab-${name}`, 'aria-current': current === name ? 'page' : null,
  }, t(`pt.tab.${name}`));
  return h('nav', { class: 'tabs pt-tabs', 'aria-label': t('pt.tabs') },
    tab('list', '#/patients'), tab('register', '#/patients?new=1'), tab('rounds', '#/rounds'));
}

/** The page's frame: title, menu, then the content. */
export function patientFrame(current, testid, ...content) {
  return h('div', { class: 'pt-page', testid },
    h('h1', { class: 'page-title' }, t('pt.title')),
    patientTabs(current),
    ...content);
}

/** A <select> of codes with labels; first: [value, label] of an empty choice, or null. */
export function codeSelect(testid, codes, labelFn, first, value) {
  const opts = codes.map((c) => h('option', { value: c }, labelFn(c)));
  if (first) opts.unshift(h('option', { value: first[0] }, first[1]));
  const sel = h('select', { testid }, ...opts);
  if (value != null) sel.value = value;
  return sel;
}

/** A small labelled control inline: label above, control below. */
export function inlineField(text, control, cls = '') {
  return h('label', { class: `pt-inline ${cls}` }, h('span', { class: 'pt-inline-label' }, text), control);
}

/** Age in years of a birth date "YYYY-MM-DD" today. */
export function ageOf(birth) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth || '');
  if (!m) return null;
  const now = new Date(Date.now() + 9 * 3600_000);
  let age = now.getUTCFullYear() - Number(m[1]);
  const md = (now.getUTCMonth() + 1) * 100 + now.getUTCDate();
  if (md < Number(m[2]) * 100 + Number(m[3])) age--;
  return age;
}

// Break-glass grants opened in this browser tab: patient id -> expires_at.
const GRANTS_KEY = 'carelink.breakGlass';

export function rememberGrant(patientId, expiresAt) {
  try {
    const all = JSON.parse(sessionStorage.getItem(GRANTS_KEY) || '{}');
    all[patientId] = expiresAt;
    sessionStorage.setItem(GRANTS_KEY, JSON.stringify(all));
  } catch { /* private mode: the banner shows without its end */ }
}

export function grantOf(patientId) {
  try {
    const at = JSON.parse(sessionStorage.getItem(GRANTS_KEY) || '{}')[patientId];
    return at && Date.parse(at) > Date.now() ? at : null;
  } catch {
    return null;
  }
}

/**
 * fn(notification) for every live notification about the patient (its link
 * names the patient) while the page of ctx is shown.
 */
export function onPatientNews(ctx, patientId, fn) {
  const prefix = `#/patients/${patientId}`;
  const listener = (ev) => {
    if (!ctx.alive) { window.removeEventListener('carelink:notification', listener); return; }
    const n = ev.detail;
    if (n && typeof n.link === 'string' && (n.link === prefix || n.link.startsWith(`${prefix}/`))) fn(n);
  };
  window.addEventListener('carelink:notification', listener);
}

/**
 * Run the page of a route {sub, id, entryId, params}: one of the pages
 * listed at the top. Modules are loaded when first opened.
 */
export async function renderPatients(root, route, ctx) {
  const pages = {
    '': () => import('./patientlist.js').then((m) => m.renderPatientList),
    file: () => import('./patientfile.js').then((m) => m.renderPatientFile),
    'break-glass': () => import('./patientaccess.js').then((m) => m.renderBreakGlass),
    'access-history': () => import('./patientaccess.js').then((m) => m.renderAccessHistory),
    rounds: () => import('./rounds.js').then((m) => m.renderRounds),
  };
  const load = pages[route.sub || ''] || pages[''];
  const render = await load();
  if (!ctx.alive) return;
  render(root, route, ctx);
}
