// The login screen: email and password, then a two-factor code when the
// account has one; lockouts and wrong codes are said plainly.

import { $ } from './dom.js';
import { t, lang } from './i18n.js';
import { rawApi, ApiError, errorText } from './api.js';
import { cleanCode } from './enrol.js';

const st = { step: 'password', onLoggedIn: null };

function setStep(step) {
  st.step = step;
  const totp = step === 'totp';
  $('login-credentials').hidden = totp;
  $('login-totp-step').hidden = !totp;
  $('login-totp').required = totp;
  $('login-form').dataset.step = step;
  if (totp) {
    $('login-totp').value = '';
    $('login-totp').focus();
  }
}

/** When trying again makes sense, from Retry-After (seconds). */
function retryText(seconds) {
  if (seconds == null) return '';
  const at = new Date(Date.now() + seconds * 1000);
  const time = at.toLocaleTimeString(lang() === 'en' ? 'en-GB' : 'ja-JP',
    { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' });
  return seconds < 60 ? t('login.retrySeconds', { n: seconds }) : t('login.retryAt', { time });
}

function failureText(e) {
  if (!(e instanceof ApiError)) return t('login.failed');
  switch (e.code) {
    case 'invalid_credentials': return t('login.invalid');
    case 'totp_invalid': return t('login.totpInvalid');
    case 'locked': {
      // The server says what happened in Japanese; say it in English too.
      const parts = lang() === 'ja' && e.message ? [e.message] : [t('login.locked'), e.message];
      parts.push(retryText(e.retryAfter));
      return parts.filter(Boolean).join('\n');
    }
    default:
      if (e.status === 429) return [t('login.locked'), retryText(e.retryAfter)].filter(Boolean).join('\n');
      if (e.status === 401 || e.status === 400) return t('login.invalid');
      return errorText(e, 'login.failed');
  }
}

async function onSubmit(ev) {
  ev.preventDefault();
  const email = $('login-email').value.trim();
  const password = $('login-password').value;
  const err = $('login-error');
  const body = { email, password };
  if (st.step === 'totp') {
    const code = cleanCode($('login-totp').value);
    if (code.length !== 6) {
      err.textContent = t('totp.codeSix');
      $('login-totp').focus();
      return;
    }
    body.totp = code;
  } else if (!email || !password) {
    err.textContent = t('login.missing');
    return;
  }
  const btn = $('login-submit');
  if (btn.disabled) return;
  btn.disabled = true;
  err.textContent = '';
  err.dataset.code = '';
  try {
    const data = await rawApi('POST', '/login', body);
    setStep('password');
    $('login-password').value = '';
    st.onLoggedIn(data);
  } catch (e) {
    const code = e instanceof ApiError ? e.code : '';
    if (code === 'totp_required' && st.step !== 'totp') {
      setStep('totp');
      return;
    }
    err.dataset.code = code;
    err.textContent = failureText(e);
    if (st.step === 'totp' && code !== 'invalid_credentials' && code !== 'locked') {
      $('login-totp').select();
      $('login-totp').focus();
    } else {
      setStep('password');
      $('login-password').select();
      $('login-password').focus();
    }
  } finally {
    btn.disabled = false;
  }
}

export function initLogin(onLoggedIn) {
  st.onLoggedIn = onLoggedIn;
  $('login-form').addEventListener('submit', onSubmit);
  $('login-back').addEventListener('click', () => {
    $('login-error').textContent = '';
    setStep('password');
    $('login-password').value = '';
    $('login-password').focus();
  });
  $('login-totp').addEventListener('input', (ev) => {
    const v = cleanCode(ev.target.value);
    if (v !== ev.target.value) ev.target.value = v;
  });
}

/** Show the login screen with a message (e.g. why the session ended). */
export function showLoginForm(message, kind = '') {
  setStep('password');
  const err = $('login-error');
  err.textContent = message || '';
  err.dataset.code = kind;
  $('login-notice').hidden = true;
  if (message && kind) {
    // An ended session is news, not an error of the form.
    err.textContent = '';
    $('login-notice').textContent = message;
    $('login-notice').dataset.kind = kind;
    $('login-notice').hidden = false;
  }
  $('login-email').focus();
}
