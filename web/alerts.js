// Urgent alerts (緊急連絡, #/alerts/...): what the pages share — the codes,
// their labels, who may raise, the refusals shown next to a form, the live
// news of alerts — and the router between them:
//   #/alerts            active and ended alerts (alertlist.js)
//   #/alerts/new        the creation form (alertform.js)
//   #/alerts/<id>       one alert: timeline, acknowledgements, management (alertdetail.js)
// The banner on every page is alertbanner.js.

import { h, enc, errorLine } from './dom.js';
import { t, has } from './i18n.js';
import { api, ApiError, errorText, hasRole } from './api.js';

export const KINDS = ['missing_person', 'disaster', 'road_closure', 'infectious_disease', 'facility_emergency', 'other'];
export const SEVERITIES = ['extreme', 'severe', 'moderate', 'minor'];
// notify.alert_raisers by default; the service has the last word (403)
export const RAISERS = ['city_official', 'social_worker', 'care_manager', 'medical_social_worker', 'doctor', 'nurse',
  'police_officer', 'firefighter'];

function label(prefix, code) {
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : String(code ?? '');
}
export const kindLabel = (c) => label('alerts.kind', c);
export const severityLabel = (c) => label('alerts.severity', c);
export const statusLabel = (c) => label('alerts.status', c);
export const actionLabel = (c) => label('alerts.action', c);

/** Whether the person may raise alerts (the form is offered). */
export function mayRaise(user) {
  return !!user && (RAISERS.includes(user.profession) || hasRole('tenant_admin'));
}

/** A refusal of the alert API as a person reads it. */
export function alertError(e, fallback = 'alerts.saveFailed') {
  if (!(e instanceof ApiError)) return t(fallback);
  const key = `alerts.error.${e.code}`;
  if (has(key)) return e.status === 400 && e.message ? `${t(key)}（${e.message}）` : t(key);
  if (e.status === 400 && e.message) return e.message;
  return errorText(e, fallback);
}

/** Write a refusal into an error line (role=alert); data-code says which. */
export function showError(line, e, fallback) {
  line.textContent = e ? alertError(e, fallback) : '';
  line.dataset.code = e && e instanceof ApiError ? e.code : '';
}

/** The severity as a coloured tag. */
export function severityTag(sev) {
  return h('span', { class: `tag alert-sev alert-sev-${sev}`, testid: 'alert-severity', dataset: { severity: sev || '' } },
    severityLabel(sev));
}

/** The status as a tag. */
export function statusTag(status) {
  return h('span', { class: `tag alert-status alert-status-${status}`, testid: 'alert-status', dataset: { status: status || '' } },
    statusLabel(status));
}

/** "name（organisation）" of a person in an alert. */
export function personText(p) {
  if (!p) return t('alerts.system');
  return `${p.name || ''}${p.organisation && p.organisation.name ? `（${p.organisation.name}）` : ''}`;
}

/** The page's frame: title, menu, then the content. */
export function alertsFrame(current, testid, user, ...content) {
  const tab = (name, href) => h('a', {
    href, class: 'tab', testid: `alert-tab-${name}`, 'aria-current': current === name ? 'page' : null,
  }, t(`alerts.tab.${name}`));
  return h('div', { class: 'alert-page', testid },
    h('h1', { class: 'page-title' }, t('alerts.title')),
    h('nav', { class: 'tabs alert-tabs', 'aria-label': t('alerts.tabs') },
      tab('list', '#/alerts'), mayRaise(user) ? tab('new', '#/alerts/new') : null),
    ...content);
}

/**
 * fn(notification) for every live notification of kind `alert` (a change)
 * or `alert_acknowledged` (the raiser is told of an acknowledgement) while
 * the page of ctx is shown (feed.js tells them as a 'carelink:notification'
 * event).
 */
export function onAlertNews(ctx, fn) {
  const listener = (ev) => {
    if (!ctx.alive) { window.removeEventListener('carelink:notification', listener); return; }
    const n = ev.detail;
    if (n && (n.kind === 'alert' || n.kind === 'alert_acknowledged')) fn(n);
  };
  window.addEventListener('carelink:notification', listener);
}

// an alert's photo (ALERTS.md "The photo"): JPEG or PNG up to 5 MiB; the
// service checks the bytes too
export const PHOTO_TYPES = ['image/jpeg', 'image/png'];
export const PHOTO_MAX = 5 * 1024 * 1024;

/** The refusal key of a chosen file, or null when it may be sent. */
export function photoProblem(file) {
  if (!file) return null;
  if (!PHOTO_TYPES.includes(file.type)) return 'alerts.photoBadType';
  if (file.size > PHOTO_MAX) return 'alerts.photoTooBig';
  if (file.size === 0) return 'alerts.photoBadType';
  return null;
}

/** PUT the photo of alert id; the alert as it then is. */
export async function uploadPhoto(id, file) {
  const data = await api('PUT', `/alerts/${enc(id)}/photo`, file, { contentType: file.type });
  return data && data.alert;
}

/**
 * A file picker for a photo with its preview and error line: {el, file()}
 * (file() the chosen file when it may be sent, else null). testids carry
 * prefix.
 */
export function photoPicker(prefix) {
  let chosen = null;
  let url = null;
  const err = errorLine(`${prefix}-error`);
  const preview = h('img', { class: 'alert-photo-preview', testid: `${prefix}-preview`, alt: t('alerts.photoPreview'), hidden: true });
  const input = h('input', { type: 'file', accept: PHOTO_TYPES.join(','), testid: `${prefix}-input`, 'aria-label': t('alerts.field.photo') });
  input.addEventListener('change', () => {
    const f = input.files && input.files[0];
    if (url) { URL.revokeObjectURL(url); url = null; }
    chosen = null;
    preview.hidden = true;
    const problem = photoProblem(f);
    err.textContent = problem ? t(problem) : '';
    err.dataset.code = problem ? problem.slice('alerts.'.length) : '';
    if (!f || problem) return;
    chosen = f;
    url = URL.createObjectURL(f);
    preview.src = url;
    preview.hidden = false;
  });
  return {
    el: h('div', { class: 'alert-photo-picker' }, input, preview, err),
    file: () => chosen,
    refused: () => !!(input.files && input.files[0]) && !chosen,
    clear: () => { input.value = ''; chosen = null; preview.hidden = true; err.textContent = ''; },
    showError: (e) => showError(err, e, 'alerts.photoFailed'),
    say: (key) => { err.textContent = t(key); err.dataset.code = key.slice('alerts.'.length); },
  };
}

/** Run the page of a route {id}: one of the pages listed at the top. */
export async function renderAlerts(root, route, ctx) {
  let render;
  if (!route.id) render = (await import('./alertlist.js')).renderAlertList;
  else if (route.id === 'new') render = (await import('./alertform.js')).renderAlertForm;
  else render = (await import('./alertdetail.js')).renderAlertDetail;
  if (!ctx.alive) return;
  render(root, route, ctx);
}
