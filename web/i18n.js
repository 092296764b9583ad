// Languages of the page: Japanese by default, English on request. Every
// string lives in one dictionary per language (lang-ja.js, lang-en.js).
// The user's choice is kept in their profile; this browser remembers the
// last one only to show the login screen in it. The apps' texts (apps,
// directory, event calendar) live in lang-apps-ja.js / lang-apps-en.js, the
// vacancy pages' in lang-vacancy-ja.js / lang-vacancy-en.js, the patient
// files' in lang-patients-ja.js / lang-patients-en.js, the urgent alerts' in
// lang-alerts-ja.js / lang-alerts-en.js, the feed's and notification
// preferences' in lang-feed-ja.js / lang-feed-en.js.

import ja from './lang-ja.js';
import en from './lang-en.js';
import appsJa from './lang-apps-ja.js';
import appsEn from './lang-apps-en.js';
import vacancyJa from './lang-vacancy-ja.js';
import vacancyEn from './lang-vacancy-en.js';
import patientsJa from './lang-patients-ja.js';
import patientsEn from './lang-patients-en.js';
import alertsJa from './lang-alerts-ja.js';
import alertsEn from './lang-alerts-en.js';
import feedJa from './lang-feed-ja.js';
import feedEn from './lang-feed-en.js';

const DICTS = {
  ja: { ...ja, ...appsJa, ...vacancyJa, ...patientsJa, ...alertsJa, ...feedJa },
  en: { ...en, ...appsEn, ...vacancyEn, ...patientsEn, ...alertsEn, ...feedEn },
};
export const LANGUAGES = ['ja', 'en'];
const HINT_KEY = 'carelink.lang';
const TZ = 'Asia/Tokyo';

let current = 'ja';
let fmtShort;
let fmtLong;
const listeners = new Set();

function makeFormatters() {
  const locale = current === 'en' ? 'en-GB' : 'ja-JP';
  fmtShort = new Intl.DateTimeFormat(locale, {
    year: 'numeric', month: 'numeric', day: 'numeric',
    hour: '2-digit', minute: '2-digit', timeZone: TZ,
  });
  fmtLong = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'medium', timeZone: TZ });
}

export function lang() { return current; }

/** Switch the page's language; listeners re-render what they show. */
export function setLang(l, { remember = true } = {}) {
  const next = DICTS[l] ? l : 'ja';
  const changed = next !== current;
  current = next;
  document.documentElement.lang = current;
  makeFormatters();
  if (remember) {
    try { localStorage.setItem(HINT_KEY, current); } catch { /* private mode */ }
  }
  applyI18n(document);
  if (changed) for (const fn of listeners) fn(current);
}

export function onLangChange(fn) { listeners.add(fn); }

/** The language this browser last showed (before anyone logs in). */
export function hintedLang() {
  try { return localStorage.getItem(HINT_KEY) || 'ja'; } catch { return 'ja'; }
}

/** The text for key, with {name} placeholders filled from vars. */
export function t(key, vars) {
  let s = DICTS[current][key];
  if (s == null) s = DICTS.ja[key];
  if (s == null) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] != null ? String(vars[k]) : m));
  return s;
}

/** Whether the dictionary has a text for key. */
export function has(key) { return DICTS[current][key] != null || DICTS.ja[key] != null; }

/**
 * Translate the static markup: data-i18n (text), data-i18n-placeholder,
 * data-i18n-title and data-i18n-label (aria-label).
 */
export function applyI18n(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

export function formatDate(d) { return fmtShort.format(d); }
export function formatDateLong(d) { return fmtLong.format(d); }

function labelOf(prefix, code) {
  if (!code) return '';
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : String(code);
}
export const professionLabel = (code) => labelOf('profession', code);
export const roleLabel = (code) => labelOf('role', code);
export const kindLabel = (code) => labelOf('kind', code);
export const scopeLabel = (code) => labelOf('scope', code);

export const PROFESSIONS = [
  'care_manager', 'doctor', 'dentist', 'nurse', 'public_health_nurse', 'pharmacist',
  'social_worker', 'medical_social_worker', 'care_worker', 'therapist', 'dietitian',
  'city_official', 'police_officer', 'firefighter', 'other',
];
export const ROLES = ['member', 'org_admin', 'tenant_admin', 'privacy_officer'];
export const KINDS = [
  'city_hall', 'support_centre', 'home_care_support_office', 'care_provider', 'clinic',
  'hospital', 'doctors_association', 'pharmacy', 'police', 'fire', 'social_welfare_council', 'other',
];
export const SCOPES = ['feed:read', 'posts:write', 'alerts:read', 'analytics:read'];

makeFormatters();
