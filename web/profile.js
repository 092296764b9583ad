// The profile page: what others see in the directory, photo, language,
// password and two-factor authentication.

import { h, field, section, errorLine, busy, enc, areasText } from './dom.js';
import { t, professionLabel } from './i18n.js';
import { api, rawApi, errorText, session } from './api.js';
import { photoChanged, photoEl } from './orgs.js';
import { enrolWidget, codeInput, cleanCode } from './enrol.js';
import { policyProblem } from './invite.js';
import { languageSwitch } from './language.js';

const PHOTO_MAX = 1024 * 1024;

function okLine(testid) {
  return h('p', { class: 'ok', role: 'status', testid, hidden: true });
}

function flash(el, text) {
  el.textContent = text;
  el.hidden = false;
  setTimeout(() => { el.hidden = true; }, 6000);
}

/** Re-read /me so that two-factor state and roles are current. */
async function refreshMe() {
  const me = await rawApi('GET', '/me');
  session.user = me.user;
  session.csrf = me.csrf;
}

function profileSection(ctx, personP) {
  const u = session.user;
  const phone = h('input', { type: 'tel', autocomplete: 'work tel', testid: 'profile-phone' });
  const areas = h('input', { type: 'text', testid: 'profile-areas' });
  const help = h('textarea', { rows: '3', testid: 'profile-help' });
  const err = errorLine('profile-error');
  const ok = okLine('profile-ok');
  const save = h('button', { type: 'submit', class: 'primary', testid: 'profile-save' }, t('common.save'));
  let areasAsList = false;
  const form = h('form', { novalidate: true },
    h('p', { class: 'muted' }, `${u.name} ・ ${(u.organisation && u.organisation.name) || ''} ・ ${professionLabel(u.profession)}`),
    field('profile-phone-field', t('people.phone'), phone),
    field('profile-areas-field', t('people.areas'), areas, t('profile.areasHint')),
    field('profile-help-field', t('people.help'), help),
    err, ok, save);
  form.dataset.state = 'loading';
  personP.then((p) => {
    if (!ctx.alive) return;
    phone.value = p.work_phone || '';
    areasAsList = Array.isArray(p.areas);
    areas.value = areasText(p.areas);
    help.value = p.can_help_with || '';
    form.dataset.state = 'loaded';
  }).catch((e) => {
    if (ctx.alive) { err.textContent = errorText(e, 'profile.loadFailed'); form.dataset.state = 'error'; }
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(save, async () => {
      err.textContent = '';
      const list = areas.value.split(/[、,，\n]/).map((s) => s.trim()).filter(Boolean);
      const body = {
        work_phone: phone.value.trim(),
        areas: areasAsList ? list : list.join('、'),
        can_help_with: help.value.trim(),
      };
      try {
        await api('PATCH', '/me/profile', body);
        flash(ok, t('common.saved'));
      } catch (e) {
        err.textContent = errorText(e, 'profile.saveFailed');
      }
    });
  });
  return section(t('profile.publicTitle'), h('p', { class: 'muted small' }, t('profile.publicLead')), form);
}

function photoSection(ctx, personP) {
  const u = session.user;
  const input = h('input', { type: 'file', accept: 'image/png,image/jpeg', testid: 'profile-photo-input' });
  const preview = h('div', { class: 'photo-preview', testid: 'profile-photo-preview' },
    photoEl({ name: u.name }, 'avatar avatar-large'));
  const err = errorLine('photo-error');
  const ok = okLine('photo-ok');
  const upload = h('button', { type: 'button', class: 'primary', testid: 'profile-photo-upload', disabled: true }, t('profile.photoUpload'));
  let file = null;
  personP.then((p) => {
    if (ctx.alive && !file && p.has_photo) preview.replaceChildren(photoEl(p, 'avatar avatar-large'));
  }).catch(() => {});
  input.addEventListener('change', () => {
    err.textContent = '';
    file = input.files && input.files[0];
    upload.disabled = true;
    if (!file) return;
    if (!['image/png', 'image/jpeg'].includes(file.type)) { err.textContent = t('profile.photoType'); file = null; return; }
    if (file.size > PHOTO_MAX) { err.textContent = t('profile.photoSize'); file = null; return; }
    // A data: URL: the page's policy allows images from itself and data: only.
    const reader = new FileReader();
    reader.onload = () => {
      preview.replaceChildren(h('img', { class: 'avatar avatar-large', src: String(reader.result), alt: t('profile.photoPreview') }));
      upload.disabled = false;
    };
    reader.readAsDataURL(file);
  });
  upload.addEventListener('click', () => busy(upload, async () => {
    if (!file) return;
    err.textContent = '';
    try {
      await api('PUT', '/me/photo', file, { contentType: file.type });
      photoChanged();
      flash(ok, t('profile.photoSaved'));
      file = null;
      input.value = '';
    } catch (e) {
      err.textContent = errorText(e, 'profile.photoFailed');
    }
  }).finally(() => { upload.disabled = !file; }));
  return section(t('profile.photoTitle'),
    h('div', { class: 'photo-row' }, preview,
      h('div', {}, field('profile-photo-field', t('profile.photoChoose'), input, t('profile.photoHint')), err, ok, upload)));
}

function languageSection() {
  const err = errorLine('language-error');
  return section(t('profile.languageTitle'), h('p', { class: 'muted small' }, t('profile.languageLead')),
    languageSwitch('profile-lang', (e) => { err.textContent = errorText(e, 'profile.saveFailed'); }), err);
}

function passwordSection() {
  const cur = h('input', { type: 'password', autocomplete: 'current-password', testid: 'pw-current' });
  const pw = h('input', { type: 'password', autocomplete: 'new-password', testid: 'pw-new' });
  const pw2 = h('input', { type: 'password', autocomplete: 'new-password', testid: 'pw-new2' });
  const err = errorLine('pw-error');
  const ok = okLine('pw-ok');
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'pw-submit' }, t('profile.pwChange'));
  const form = h('form', { novalidate: true },
    field('pw-current-field', t('profile.pwCurrent'), cur),
    field('pw-new-field', t('profile.pwNew'), pw, t(session.user.totp_enabled ? 'password.policy2fa' : 'password.policy')),
    field('pw-new2-field', t('profile.pwNew2'), pw2), err, ok, submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      err.textContent = '';
      const problem = policyProblem(pw.value, !!session.user.totp_enabled);
      if (problem) { err.textContent = problem; pw.focus(); return; }
      if (pw.value !== pw2.value) { err.textContent = t('password.mismatch'); pw2.focus(); return; }
      try {
        await api('POST', '/me/password', { current_password: cur.value, new_password: pw.value });
        form.reset();
        flash(ok, t('profile.pwChanged'));
      } catch (e) {
        err.textContent = e.code === 'invalid_credentials' ? t('profile.pwWrong') : errorText(e, 'profile.pwFailed');
      }
    });
  });
  return section(t('profile.pwTitle'), form);
}

function totpSection(ctx, rerender) {
  const u = session.user;
  const enabled = !!u.totp_enabled;
  const status = h('p', { testid: 'totp-status', dataset: { enabled: String(enabled) } },
    enabled ? t('totp.statusOn') : t('totp.statusOff'));
  const parts = [status];
  if (u.totp_required) parts.push(h('p', { class: 'muted small' }, t('totp.requiredByRole')));
  if (!enabled) {
    parts.push(enrolWidget({ onDone: async () => { await refreshMe(); if (ctx.alive) rerender(); } }));
  } else if (!u.totp_required) {
    const code = codeInput('totp-disable-code');
    const err = errorLine('totp-disable-error');
    const btn = h('button', { type: 'submit', class: 'secondary danger', testid: 'totp-disable' }, t('totp.disable'));
    const form = h('form', { novalidate: true },
      field('totp-disable-field', t('totp.disableCode'), code), err, btn);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(btn, async () => {
        err.textContent = '';
        try {
          await api('POST', '/me/totp/disable', { code: cleanCode(code.value) });
          await refreshMe();
          if (ctx.alive) rerender();
        } catch (e) {
          err.textContent = e.code === 'totp_required' ? t('totp.requiredByRole') : errorText(e, 'totp.disableFailed');
        }
      });
    });
    parts.push(form);
  }
  return section(t('totp.title'), ...parts);
}

export function renderProfile(root, route, ctx) {
  const rerender = () => renderProfile(root, route, ctx);
  const personP = api('GET', `/people/${enc(session.user.id)}`)
    .then((data) => (data && (data.person || data.profile)) || data || {});
  root.replaceChildren(
    h('h1', { class: 'page-title' }, t('profile.title')),
    h('div', { class: 'page-grid' },
      profileSection(ctx, personP), photoSection(ctx, personP), languageSection(), passwordSection(), totpSection(ctx, rerender)));
}
