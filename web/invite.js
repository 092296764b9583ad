// Accepting an invitation (#/invite/<token>): who is invited, then name and
// password; the new account is logged in at once.

import { h, field, errorLine, busy, enc } from './dom.js';
import { t, professionLabel } from './i18n.js';
import { rawApi, ApiError, errorText } from './api.js';

const MIN_PASSWORD = 13;
const MIN_PASSWORD_2FA = 8;

/**
 * Local check of the password policy (13 characters, or 8 with two-factor;
 * letters, digits and symbols); the gateway has the last word.
 */
export function policyProblem(pw, twoFactor = false) {
  const min = twoFactor ? MIN_PASSWORD_2FA : MIN_PASSWORD;
  if ([...pw].length < min) return t('password.tooShort', { n: min });
  if ([...pw].length > 128) return t('password.tooLong');
  if (!/\p{L}/u.test(pw) || !/\p{Nd}/u.test(pw) || !/[^\p{L}\p{Nd}\s]/u.test(pw)) return t('password.mix');
  return '';
}

function inviteError(e) {
  if (e instanceof ApiError && e.code === 'invitation_used') return t('invite.used');
  if (e instanceof ApiError && e.code === 'invitation_expired') return t('invite.expired');
  if (e instanceof ApiError && (e.status === 404 || e.status === 410)) return t('invite.invalid');
  return errorText(e, 'invite.loadFailed');
}

/** Render the invitation for token into root; onAccepted({user, csrf}). */
export async function renderInvite(root, token, onAccepted) {
  const card = h('div', { class: 'card login-card invite-card', testid: 'invite-view' },
    h('h1', { class: 'login-title' },
      h('span', { class: 'brand' }, 'carelink'),
      h('span', { class: 'login-sub' }, t('invite.title'))),
    h('p', { class: 'muted', role: 'status' }, t('common.loading')));
  root.replaceChildren(card);
  let info;
  try {
    info = await rawApi('GET', `/invitations/accept/${enc(token)}`);
  } catch (e) {
    card.lastChild.replaceWith(h('p', { class: 'form-error', role: 'alert', testid: 'invite-error' }, inviteError(e)),
      h('p', {}, h('a', { href: '#/' }, t('invite.toLogin'))));
    return;
  }
  const org = (info && info.organisation) || {};
  const name = h('input', { type: 'text', autocomplete: 'name', required: true, testid: 'invite-name' });
  const email = h('input', { type: 'email', autocomplete: 'username', value: info.email || '', readonly: true, hidden: true });
  const pw = h('input', { type: 'password', autocomplete: 'new-password', required: true, testid: 'invite-password' });
  const pw2 = h('input', { type: 'password', autocomplete: 'new-password', required: true, testid: 'invite-password2' });
  const err = errorLine('invite-error');
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'invite-submit' }, t('invite.submit'));
  const form = h('form', { novalidate: true },
    h('dl', { class: 'invite-facts' },
      h('dt', {}, t('invite.email')), h('dd', { testid: 'invite-email' }, info.email || ''),
      h('dt', {}, t('invite.organisation')), h('dd', { testid: 'invite-org' }, org.name || ''),
      h('dt', {}, t('invite.profession')), h('dd', { testid: 'invite-profession' }, professionLabel(info.profession))),
    email,
    field('invite-name-field', t('invite.name'), name, t('invite.nameHint')),
    field('invite-pw-field', t('invite.password'), pw, t('password.policy')),
    field('invite-pw2-field', t('invite.password2'), pw2),
    err, submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      err.textContent = '';
      if (!name.value.trim()) { err.textContent = t('invite.nameRequired'); name.focus(); return; }
      const problem = policyProblem(pw.value);
      if (problem) { err.textContent = problem; pw.focus(); return; }
      if (pw.value !== pw2.value) { err.textContent = t('password.mismatch'); pw2.focus(); return; }
      try {
        const data = await rawApi('POST', `/invitations/accept/${enc(token)}`, { name: name.value.trim(), password: pw.value });
        onAccepted(data);
      } catch (e) {
        err.textContent = e instanceof ApiError && e.status === 410 ? inviteError(e) : errorText(e, 'invite.acceptFailed');
      }
    });
  });
  card.lastChild.replaceWith(h('p', {}, t('invite.lead')), form);
  name.focus();
}
