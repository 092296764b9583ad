// The gateway's public API as the page uses it, and the session in the page.

import { t, has } from './i18n.js';

export const API = '/api/v1';

/** The logged-in person ({user, csrf} of /me), or user null. */
export const session = { user: null, csrf: null };

const hooks = { lost: null, enrol: null };
/** fn(error) runs when a call finds the session gone (401). */
export function onSessionLost(fn) { hooks.lost = fn; }
/** fn() runs when a call says two-factor enrolment must come first. */
export function onEnrolmentRequired(fn) { hooks.enrol = fn; }

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null, fields = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter; // seconds, from Retry-After
    this.fields = fields; // [{field, reason}] of invalid_record, or null
  }
}

function retryAfterSeconds(res) {
  const v = res.headers.get('Retry-After');
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - Date.now()) / 1000));
}

/**
 * One call without any session handling. body: a JSON value, or a Blob sent
 * as it is with opts.contentType.
 */
export async function rawApi(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET') {
    if (session.csrf) headers['X-CSRF-Token'] = session.csrf;
    if (opts.contentType) {
      headers['Content-Type'] = opts.contentType;
      init.body = body;
    } else if (method !== 'DELETE' || body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body ?? {});
    }
  }
  let res;
  try {
    res = await fetch(API + path, init);
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (res.status === 204) return null;
  let data = null;
  if ((res.headers.get('Content-Type') || '').includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.message || res.statusText || '',
      retryAfterSeconds(res), Array.isArray(e.fields) ? e.fields : null);
  }
  return data;
}

/**
 * A call for a logged-in person: a 401 ends the session in the page, a 403
 * asking for two-factor enrolment opens the enrolment screen, and a 403
 * about the CSRF token refreshes the token once and retries.
 */
export async function api(method, path, body, opts) {
  try {
    return await rawApi(method, path, body, opts);
  } catch (e) {
    if (!(e instanceof ApiError) || !session.user) throw e;
    if (e.status === 401) {
      if (hooks.lost) hooks.lost(e);
    } else if (e.status === 403 && e.code === 'totp_enrolment_required') {
      if (hooks.enrol) hooks.enrol();
    } else if (e.status === 403 && method !== 'GET' && /csrf/i.test(e.code)) {
      const me = await rawApi('GET', '/me');
      session.csrf = me.csrf;
      return rawApi(method, path, body, opts);
    }
    throw e;
  }
}

// Codes whose server message carries the detail a person needs.
const DETAIL_CODES = new Set(['password_policy', 'locked', 'invalid_body', 'conflict', 'totp_required',
  'body_too_long', 'attachment_too_large', 'mention_outside_space']);

/** What to tell the person about a failed call; fallback is a dictionary key. */
export function errorText(e, fallback) {
  if (!(e instanceof ApiError)) return t(fallback);
  if (e.status === 0) return e.message;
  const key = `error.${e.code}`;
  let text;
  if (has(key)) text = t(key);
  else if (e.status === 401) text = t('error.unauthenticated');
  else if (e.status === 403) text = t('error.forbidden');
  else if (e.status === 404) text = t('error.not_found');
  else text = t(fallback);
  const detail = e.message && (DETAIL_CODES.has(e.code) || !has(key)) && e.status !== 401
    && e.status !== 403 && e.status !== 404;
  return detail ? `${text}（${e.message}）` : text;
}

/** Whether the logged-in person holds one of the roles. */
export function hasRole(...roles) {
  const mine = (session.user && session.user.roles) || [];
  return roles.some((r) => mine.includes(r));
}
