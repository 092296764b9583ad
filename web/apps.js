// What the app pages share: the apps the person may read (read once and
// kept briefly), the text of a record's values, dates in Asia/Tokyo, and
// the message of a failed call about apps.

import { h, enc } from './dom.js';
import { t } from './i18n.js';
import { api, errorText, ApiError } from './api.js';
import { getOrganisations } from './orgs.js';

const KEEP_MS = 60_000;
let listCache = null;
const appCache = new Map(); // id or key -> {at, promise}
const orgNames = new Map(); // organisation id -> name, for values the answer's display does not name

/** GET /apps: the readable apps, built-ins first. */
export function getApps(force = false) {
  if (!listCache || force || Date.now() - listCache.at > KEEP_MS) {
    const promise = api('GET', '/apps').then((d) => (d && d.apps) || []);
    listCache = { at: Date.now(), promise };
    promise.catch(() => { listCache = null; });
  }
  return listCache.promise;
}

/** GET /apps/{id or key}: the app. */
export function getApp(idOrKey, force = false) {
  const k = String(idOrKey);
  const hit = appCache.get(k);
  if (!force && hit && Date.now() - hit.at < KEEP_MS) return hit.promise;
  const orgs = getOrganisations().then((list) => { for (const o of list) orgNames.set(String(o.id), o.name); }).catch(() => {});
  const promise = Promise.all([api('GET', `/apps/${enc(k)}`), orgs]).then(([d]) => d.app);
  appCache.set(k, { at: Date.now(), promise });
  promise.catch(() => appCache.delete(k));
  return promise;
}

export function forgetApps() {
  listCache = null;
  appCache.clear();
}

/** The address of an app's page (built-ins by their key). */
export function appHref(app, query) {
  const id = app.builtin && app.key ? app.key : app.id;
  return `#/apps/${enc(id)}${query ? `?${query}` : ''}`;
}

export const FIELD_TYPES = ['text', 'long_text', 'number', 'date', 'datetime', 'choice', 'multi_choice',
  'user', 'organisation', 'facility', 'phone', 'link'];
export const CHOICE_TYPES = new Set(['choice', 'multi_choice']);
export const REF_TYPES = new Set(['user', 'organisation', 'facility']);

/** "YYYY-MM-DD" of a Date in Asia/Tokyo. */
export function tokyoDay(d = new Date()) {
  return new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** An RFC 3339 time as "YYYY-MM-DDTHH:MM" in Asia/Tokyo (a datetime-local value). */
export function tokyoLocal(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
}

/** A datetime-local value (Asia/Tokyo) as RFC 3339 with +09:00. */
export function fromTokyoLocal(v) {
  if (!v) return null;
  return `${v.length === 16 ? `${v}:00` : v}+09:00`;
}

/** The text of a field's value; names of people, organisations and facilities from display. */
export function valueText(field, value, display) {
  if (value == null || value === '') return '';
  const shown = display && display[field.key];
  switch (field.type) {
    case 'multi_choice': return Array.isArray(value) ? value.join('、') : String(value);
    case 'datetime': return tokyoLocal(value).replace('T', ' ');
    case 'number': return typeof value === 'number' ? value.toLocaleString('ja-JP', { maximumFractionDigits: 10 }) : String(value);
    case 'organisation': return shown || orgNames.get(String(value)) || String(value);
    case 'user': case 'facility': return shown || String(value);
    default: return String(value);
  }
}

/** A field's value as an element: facilities link to their page, links and phones are links. */
export function valueEl(field, value, display) {
  const text = valueText(field, value, display);
  if (!text) return h('span', { class: 'muted' }, '');
  if (field.type === 'facility') return h('a', { href: `#/facilities/${enc(value)}`, testid: 'facility-link' }, text);
  if (field.type === 'link' && /^https?:\/\//i.test(text)) return h('a', { href: text, rel: 'noopener noreferrer', target: '_blank' }, text);
  if (field.type === 'phone') return h('a', { href: `tel:${text.replace(/[^0-9+]/g, '')}` }, text);
  if (field.type === 'long_text') return h('span', { class: 'pre-wrap' }, text);
  return h('span', {}, text);
}

/** The title of a record: its first text field's value. */
export function recordTitle(app, record) {
  const f = (app.fields || []).find((x) => x.type === 'text');
  const v = f && record.values ? record.values[f.key] : null;
  return v ? String(v) : t('apps.untitled');
}

/** What to tell the person about a failed call: the API's own message for 400/409. */
export function appError(e, fallback) {
  if (e instanceof ApiError && (e.status === 400 || e.status === 409) && e.message) return e.message;
  return errorText(e, fallback);
}

/** <option>s of a choice list after an empty first one. */
export function choiceOptions(choices, first) {
  return [h('option', { value: '' }, first || ''), ...(choices || []).map((c) => h('option', { value: c }, c))];
}
