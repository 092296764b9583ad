// My patients (#/patients): the files of the patients whose care team I am
// on (or that I hold a break-glass grant for), searched by name or kana;
// and the form registering a patient (#/patients?new=1), whose author is the
// first member of the team.

import { h, enc, busy, errorLine } from './dom.js';
import { t } from './i18n.js';
import { api, session } from './api.js';
import { unreadBadge } from './feedcounts.js';
import {
  patientFrame, levelLabel, roleLabel, scopeLabel, codeSelect, inlineField, showError, ageOf,
  CARE_LEVELS, TEAM_ROLES, CONSENT_SCOPES,
} from './patients.js';

function patientItem(p) {
  const age = ageOf(p.birth_date);
  return h('li', { class: 'card pt-item', testid: 'patient-item', dataset: { id: String(p.id), role: p.my_role || '' } },
    h('a', { href: `#/patients/${enc(p.id)}`, class: 'strong', testid: 'patient-link' }, p.name || ''),
    unreadBadge('patient', p.id),
    h('span', { class: 'muted small' }, ` ${p.kana || ''}`),
    h('span', { class: 'pt-item-meta' },
      age != null ? h('span', {}, t('pt.age', { n: age })) : null,
      p.care_level ? h('span', { class: 'tag' }, levelLabel(p.care_level)) : null,
      p.my_role ? h('span', { class: `tag${p.my_role === 'break_glass' ? ' pt-bg-tag' : ''}` },
        p.my_role === 'break_glass' ? t('pt.bg.tag') : roleLabel(p.my_role)) : null,
      p.consent && p.consent.given ? null : h('span', { class: 'tag tag-off', testid: 'patient-no-consent' }, t('pt.consent.none'))));
}

function listSection(ctx) {
  const q = h('input', { type: 'search', testid: 'patients-search', placeholder: t('pt.searchPlaceholder') });
  const list = h('ol', { class: 'pt-list', testid: 'patients-list', dataset: { state: 'loading' } });
  const err = errorLine('patients-error');
  let seq = 0;
  async function load() {
    const mine = ++seq;
    const query = q.value.trim();
    list.dataset.state = 'loading';
    try {
      const data = await api('GET', `/patients${query ? `?${new URLSearchParams({ q: query })}` : ''}`);
      if (!ctx.alive || mine !== seq) return;
      const ps = (data && data.patients) || [];
      list.replaceChildren(...(ps.length ? ps.map(patientItem)
        : [h('li', { class: 'muted', testid: 'patients-none' }, t(query ? 'pt.noneFound' : 'pt.none'))]));
      list.dataset.query = query;
      list.dataset.state = 'loaded';
      showError(err, null);
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      list.dataset.state = 'error';
      showError(err, e, 'pt.loadFailed');
    }
  }
  let timer = null;
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(load, 250); });
  const form = h('form', { class: 'pt-search', role: 'search', onsubmit: (ev) => { ev.preventDefault(); clearTimeout(timer); load(); } },
    inlineField(t('pt.search'), q));
  load();
  return h('section', { class: 'card page-section' },
    h('h2', { class: 'section-title' }, t('pt.mine')), form, err, list);
}

function contactRow() {
  const row = h('div', { class: 'pt-row pt-contact', testid: 'reg-contact' },
    inlineField(t('pt.contact.name'), h('input', { type: 'text', maxlength: 100, testid: 'reg-contact-name' })),
    inlineField(t('pt.contact.relation'), h('input', { type: 'text', maxlength: 50, testid: 'reg-contact-relation' })),
    inlineField(t('pt.contact.phone'), h('input', { type: 'tel', maxlength: 30, testid: 'reg-contact-phone' })));
  row.append(h('button', { type: 'button', class: 'secondary small-btn', testid: 'reg-contact-remove', onclick: () => row.remove() },
    t('pt.contact.remove')));
  return row;
}

/** The registration form; onDone(patient) after a 201. */
export function registerForm(onDone) {
  const name = h('input', { type: 'text', required: true, maxlength: 100, testid: 'reg-name', autocomplete: 'off' });
  const kana = h('input', { type: 'text', required: true, maxlength: 100, testid: 'reg-kana', autocomplete: 'off' });
  const birth = h('input', { type: 'date', required: true, testid: 'reg-birth' });
  const address = h('input', { type: 'text', maxlength: 300, testid: 'reg-address', autocomplete: 'off' });
  const level = codeSelect('reg-care-level', CARE_LEVELS, levelLabel, null, 'none');
  const contacts = h('div', { class: 'pt-contacts', testid: 'reg-contacts' }, contactRow());
  const consent = h('input', { type: 'checkbox', testid: 'reg-consent' });
  const consentDate = h('input', { type: 'date', testid: 'reg-consent-date' });
  const scope = codeSelect('reg-consent-scope', CONSENT_SCOPES, scopeLabel, null, 'care_team');
  const note = h('input', { type: 'text', maxlength: 500, testid: 'reg-consent-note' });
  const consentBox = h('div', { class: 'pt-row', hidden: true },
    inlineField(t('pt.consent.date'), consentDate), inlineField(t('pt.consent.scope'), scope),
    inlineField(t('pt.consent.note'), note, 'pt-wide'));
  consent.addEventListener('change', () => {
    consentBox.hidden = !consent.checked;
    if (consent.checked && !consentDate.value) consentDate.value = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
  });
  const role = codeSelect('reg-role', TEAM_ROLES, roleLabel, null, 'care_manager');
  if (TEAM_ROLES.includes(defaultRole())) role.value = defaultRole();
  const err = errorLine('reg-error');
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'reg-submit' }, t('pt.register'));
  const form = h('form', { class: 'pt-form', testid: 'reg-form', novalidate: true },
    h('div', { class: 'pt-row' }, inlineField(t('pt.name'), name), inlineField(t('pt.kana'), kana),
      inlineField(t('pt.birth'), birth)),
    h('div', { class: 'pt-row' }, inlineField(t('pt.address'), address, 'pt-wide'), inlineField(t('pt.careLevel'), level)),
    h('fieldset', { class: 'pt-fieldset' }, h('legend', {}, t('pt.contacts')), contacts,
      h('button', { type: 'button', class: 'secondary small-btn', testid: 'reg-contact-add', onclick: () => contacts.append(contactRow()) },
        t('pt.contact.add'))),
    h('fieldset', { class: 'pt-fieldset' }, h('legend', {}, t('pt.consent')),
      h('label', { class: 'check' }, consent, ` ${t('pt.consent.given')}`),
      h('p', { class: 'muted small' }, t('pt.consent.hint')), consentBox),
    h('div', { class: 'pt-row' }, inlineField(t('pt.myRole'), role)),
    err, submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      showError(err, null);
      const body = { name: name.value.trim(), kana: kana.value.trim(), birth_date: birth.value, my_role: role.value };
      if (address.value.trim()) body.address = address.value.trim();
      body.care_level = level.value;
      const cs = [...contacts.querySelectorAll('[data-testid="reg-contact"]')].map((r) => ({
        name: r.querySelector('[data-testid="reg-contact-name"]').value.trim(),
        relation: r.querySelector('[data-testid="reg-contact-relation"]').value.trim(),
        phone: r.querySelector('[data-testid="reg-contact-phone"]').value.trim(),
      })).filter((c) => c.name || c.phone);
      if (cs.length) body.contacts = cs;
      body.consent = consent.checked
        ? { given: true, date: consentDate.value, scope: scope.value, note: note.value.trim() }
        : { given: false };
      try {
        const data = await api('POST', '/patients', body);
        onDone(data.patient);
      } catch (e) {
        showError(err, e);
      }
    });
  });
  return form;
}

function defaultRole() {
  return {
    doctor: 'primary_doctor', nurse: 'visiting_nurse', care_manager: 'care_manager', care_worker: 'helper',
    pharmacist: 'pharmacist', therapist: 'therapist', medical_social_worker: 'hospital_liaison', social_worker: 'social_worker',
  }[(session.user && session.user.profession) || ''] || 'other';
}

/** #/patients and #/patients?new=1 */
export function renderPatientList(root, route, ctx) {
  const registering = route.params && route.params.get('new') === '1';
  if (registering) {
    root.replaceChildren(patientFrame('register', 'patients-page',
      h('section', { class: 'card page-section' }, h('h2', { class: 'section-title' }, t('pt.registerTitle')),
        registerForm((p) => { location.hash = `#/patients/${enc(p.id)}`; }))));
    root.querySelector('[data-testid="reg-name"]').focus();
    return;
  }
  root.replaceChildren(patientFrame('list', 'patients-page', listSection(ctx)));
}
