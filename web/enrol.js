// Two-factor enrolment (TOTP, RFC 6238): the gateway makes a secret and its
// QR code; the person adds it to an authenticator app and confirms with a
// code. Used on the profile page and as the mandatory screen after login.

import { h, field, errorLine, busy, svgDataUrl } from './dom.js';
import { t } from './i18n.js';
import { api, errorText } from './api.js';

/** The secret in groups of four characters, for typing it in by hand. */
export function groupSecret(secret) {
  return (String(secret).replace(/\s+/g, '').match(/.{1,4}/g) || []).join(' ');
}

/** A 6-digit code input (one-time-code autofill, numeric keyboard). */
export function codeInput(testid) {
  return h('input', {
    type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}',
    maxlength: '6', required: true, testid, class: 'code-input', spellcheck: 'false',
  });
}

/** Keep only digits, at most 6. */
export function cleanCode(s) { return String(s).replace(/\D/g, '').slice(0, 6); }

/**
 * The enrolment steps in an element. onDone() runs after the code is
 * confirmed. auto: start the setup at once.
 */
export function enrolWidget({ onDone, auto = false }) {
  const root = h('div', { class: 'enrol', testid: 'totp-enrol' });
  const err = errorLine('totp-error');
  const start = h('button', { type: 'button', class: 'primary', testid: 'totp-setup' }, t('totp.start'));
  root.append(h('p', {}, t('totp.intro')), err, start);

  async function setup() {
    err.textContent = '';
    let data;
    try {
      data = await api('POST', '/me/totp/setup', {});
    } catch (e) {
      err.textContent = errorText(e, 'totp.setupFailed');
      return;
    }
    showSteps(data || {});
  }

  function showSteps(data) {
    const img = data.qr_svg
      ? h('img', { class: 'qr', src: svgDataUrl(data.qr_svg), alt: t('totp.qrAlt'), testid: 'totp-qr' })
      : null;
    const uri = typeof data.otpauth_uri === 'string' && data.otpauth_uri.startsWith('otpauth://')
      ? h('a', { href: data.otpauth_uri, class: 'small' }, t('totp.openApp')) : null;
    const code = codeInput('totp-code');
    const confirm = h('button', { type: 'submit', class: 'primary', testid: 'totp-confirm' }, t('totp.confirm'));
    const form = h('form', { class: 'enrol-steps', novalidate: true },
      h('ol', { class: 'steps' },
        h('li', {}, t('totp.step1')),
        h('li', {}, t('totp.step2'),
          h('div', { class: 'qr-box' }, img,
            h('div', {},
              h('p', { class: 'small muted' }, t('totp.manual')),
              h('code', { class: 'secret', testid: 'totp-secret', dataset: { secret: String(data.secret || '') } },
                groupSecret(data.secret || '')),
              uri))),
        h('li', {}, field('totp-code-field', t('totp.codeLabel'), code, t('totp.codeHint')))),
      err, confirm);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(confirm, async () => {
        const value = cleanCode(code.value);
        if (value.length !== 6) { err.textContent = t('totp.codeSix'); code.focus(); return; }
        err.textContent = '';
        try {
          await api('POST', '/me/totp/confirm', { code: value });
        } catch (e) {
          err.textContent = errorText(e, 'totp.confirmFailed');
          code.select();
          return;
        }
        root.replaceChildren(h('p', { class: 'ok', role: 'status', testid: 'totp-enabled' }, t('totp.enabled')));
        if (onDone) onDone();
      });
    });
    root.replaceChildren(form);
    code.focus();
  }

  start.addEventListener('click', () => busy(start, setup));
  if (auto) queueMicrotask(() => busy(start, setup));
  return root;
}
