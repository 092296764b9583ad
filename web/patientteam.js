// The care team on a patient's page: members with their roles; adding a
// person of the tenant with a role (any member; refused with 409
// consent_required until consent is recorded); removing a member (the
// patient's care manager or primary doctor); leaving (which ends one's own
// access at once, so the page goes back to my patients).

import { h, enc, busy, errorLine, announce } from './dom.js';
import { t, professionLabel } from './i18n.js';
import { api, session } from './api.js';
import { roleLabel, codeSelect, inlineField, showError, TEAM_ROLES } from './patients.js';

const REMOVERS = ['care_manager', 'primary_doctor'];

function memberItem(m, patient, mayRemove, onChange, err) {
  const me = session.user && m.user && m.user.id === session.user.id;
  const remove = async (btn) => busy(btn, async () => {
    if (!window.confirm(t(me ? 'pt.team.leaveConfirm' : 'pt.team.removeConfirm', { name: m.user.name }))) return;
    showError(err, null);
    try {
      await api('DELETE', `/patients/${enc(patient.id)}/team/${enc(m.user.id)}`);
      if (me) {
        announce(t('pt.team.left'));
        location.hash = '#/patients';
        return;
      }
      onChange();
    } catch (e) {
      showError(err, e);
    }
  });
  return h('li', { class: 'pt-member', testid: 'team-member', dataset: { userId: String(m.user.id), role: m.role || '' } },
    h('span', { class: 'strong' }, m.user.name || ''),
    h('span', { class: 'tag' }, roleLabel(m.role)),
    h('span', { class: 'muted small' }, [m.user.organisation && m.user.organisation.name, professionLabel(m.user.profession)]
      .filter(Boolean).join(' ／ ')),
    me ? h('button', { type: 'button', class: 'secondary small-btn', testid: 'team-leave', onclick: (ev) => remove(ev.currentTarget) },
      t('pt.team.leave'))
      : mayRemove ? h('button', { type: 'button', class: 'secondary small-btn', testid: 'team-remove',
        onclick: (ev) => remove(ev.currentTarget) }, t('pt.team.remove')) : null);
}

/** The team section of a patient's page; team: the members already read. */
export function teamSection(ctx, patient, team) {
  const list = h('ul', { class: 'pt-team', testid: 'team-list', dataset: { state: 'loaded' } });
  const err = errorLine('team-error');
  const member = patient.my_role && patient.my_role !== 'break_glass';

  function show(members) {
    const mayRemove = REMOVERS.includes(patient.my_role);
    list.replaceChildren(...members.map((m) => memberItem(m, patient, mayRemove, reload, err)));
    list.dataset.count = String(members.length);
  }
  async function reload() {
    list.dataset.state = 'loading';
    try {
      const data = await api('GET', `/patients/${enc(patient.id)}/team`);
      if (!ctx.alive) return;
      show((data && data.members) || []);
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      showError(err, e, 'pt.loadFailed');
    }
  }
  show(team);

  // adding: find a person of the tenant, give a role
  const q = h('input', { type: 'search', testid: 'team-person-q', autocomplete: 'off', placeholder: t('pt.team.findPlaceholder') });
  const person = h('select', { testid: 'team-person' }, h('option', { value: '' }, t('pt.team.pick')));
  const role = codeSelect('team-role', TEAM_ROLES, roleLabel, null, 'visiting_nurse');
  const add = h('button', { type: 'submit', class: 'primary small-btn', testid: 'team-add' }, t('pt.team.add'));
  let seq = 0;
  let timer = null;
  async function find() {
    const mine = ++seq;
    const query = q.value.trim();
    person.dataset.state = 'loading';
    try {
      const data = await api('GET', `/people?${new URLSearchParams({ q: query, limit: '20' })}`);
      if (!ctx.alive || mine !== seq) return;
      const inTeam = new Set([...list.querySelectorAll('[data-testid="team-member"]')].map((li) => li.dataset.userId));
      const people = ((data && data.people) || []).filter((p) => !inTeam.has(String(p.id)));
      person.replaceChildren(h('option', { value: '' }, t(people.length ? 'pt.team.pick' : 'pt.team.nobody')),
        ...people.map((p) => h('option', { value: String(p.id) },
          `${p.name}${p.organisation && p.organisation.name ? `（${p.organisation.name}）` : ''}`)));
      if (people.length === 1) person.value = String(people[0].id);
      person.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      person.dataset.state = 'error';
      showError(err, e, 'pt.loadFailed');
    }
  }
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(find, 250); });
  q.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); clearTimeout(timer); find(); } });
  const form = h('form', { class: 'pt-form', testid: 'team-add-form', novalidate: true },
    h('h3', { class: 'sub-title' }, t('pt.team.addTitle')),
    h('div', { class: 'pt-row' }, inlineField(t('pt.team.find'), q), inlineField(t('pt.team.person'), person),
      inlineField(t('pt.team.role'), role), add));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(add, async () => {
      showError(err, null);
      try {
        await api('POST', `/patients/${enc(patient.id)}/team`, { user_id: person.value, role: role.value });
        announce(t('pt.team.added'));
        q.value = '';
        person.replaceChildren(h('option', { value: '' }, t('pt.team.pick')));
        await reload();
      } catch (e) {
        showError(err, e);
      }
    });
  });
  return h('section', { class: 'card page-section', testid: 'team-section' },
    h('h2', { class: 'section-title' }, t('pt.team.title')),
    list, err, member ? form : null);
}
