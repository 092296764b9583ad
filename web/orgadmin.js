// The organisation admin page: members (roles, deactivation) and
// invitations (create with a one-time link, list, cancel).

import { h, field, section, errorLine, busy, enc, listOf, copyButton, timeEl, setMessage } from './dom.js';
import { t, professionLabel, roleLabel, PROFESSIONS, ROLES } from './i18n.js';
import { api, errorText, session, hasRole } from './api.js';
import { getOrganisations, orgOptions } from './orgs.js';
import { personLink } from './people.js';

/** Roles this administrator may give. */
function grantableRoles() {
  return hasRole('tenant_admin') ? ROLES : ['member', 'org_admin'];
}

function roleBoxes(prefix, checked, disabledAll = false) {
  const grantable = grantableRoles();
  return h('fieldset', { class: 'roles' }, h('legend', { class: 'small' }, t('admin.roles')),
    ROLES.map((r) => h('label', { class: 'check' },
      h('input', {
        type: 'checkbox', value: r, testid: `${prefix}-${r}`, checked: checked.includes(r),
        disabled: disabledAll || !grantable.includes(r),
      }), roleLabel(r))));
}

function checkedRoles(box) {
  return [...box.querySelectorAll('input:checked')].map((i) => i.value);
}

function memberRow(p, reload) {
  const me = session.user && String(p.id) === String(session.user.id);
  const active = p.active !== false;
  const err = errorLine('member-error');
  const status = h('span', { class: `tag ${active ? '' : 'tag-off'}`, testid: 'member-status', dataset: { active: String(active) } },
    active ? t('admin.active') : t('admin.inactive'));
  const actions = h('div', { class: 'row-actions' });
  const row = h('li', { class: 'admin-row', testid: 'member-row', dataset: { userId: String(p.id), active: String(active) } },
    h('div', { class: 'admin-row-main' },
      personLink(p, 'member-name'), status,
      h('span', { class: 'muted small' }, [p.email, professionLabel(p.profession)].filter(Boolean).join(' ・ '))),
    actions, err);

  if (Array.isArray(p.roles)) {
    const boxes = roleBoxes('member-role', p.roles, me);
    const save = h('button', { type: 'button', class: 'secondary small-btn', testid: 'member-roles-save', disabled: me }, t('admin.saveRoles'));
    save.addEventListener('click', () => busy(save, async () => {
      err.textContent = '';
      try {
        const data = await api('PUT', `/users/${enc(p.id)}/roles`, { roles: checkedRoles(boxes) });
        if (data && data.user && Array.isArray(data.user.roles)) p.roles = data.user.roles;
        save.textContent = t('common.saved');
        setTimeout(() => { save.textContent = t('admin.saveRoles'); }, 2500);
      } catch (e) {
        err.textContent = errorText(e, 'admin.rolesFailed');
      }
    }));
    actions.append(boxes, save);
  }
  if (!me) {
    const toggle = h('button', {
      type: 'button', class: active ? 'secondary danger small-btn' : 'secondary small-btn',
      testid: active ? 'member-deactivate' : 'member-reactivate',
    }, active ? t('admin.deactivate') : t('admin.reactivate'));
    const confirm = h('button', { type: 'button', class: 'danger small-btn', testid: 'member-deactivate-confirm', hidden: true },
      t('admin.deactivateConfirm', { name: p.name || '' }));
    toggle.addEventListener('click', () => {
      if (active && confirm.hidden) { confirm.hidden = false; confirm.focus(); return; }
      if (!active) act('reactivate', toggle);
    });
    confirm.addEventListener('click', () => act('deactivate', confirm));
    actions.append(toggle, confirm);
  }

  function act(what, btn) {
    return busy(btn, async () => {
      err.textContent = '';
      try {
        const data = await api('POST', `/users/${enc(p.id)}/${what}`, {});
        const next = { ...p, ...((data && data.user) || {}), active: what !== 'deactivate' };
        row.replaceWith(memberRow(next, reload));
      } catch (e) {
        err.textContent = errorText(e, 'admin.actionFailed');
      }
    });
  }
  return row;
}

function membersSection(ctx, orgId) {
  const list = h('ul', { class: 'admin-list', testid: 'members-list', dataset: { state: 'loading', orgId } });
  const msg = h('p', { class: 'muted', role: 'status' }, t('common.loading'));
  async function load() {
    list.dataset.state = 'loading';
    try {
      // accounts with roles and state: deactivated members stay listed
      const data = await api('GET', `/users?organisation=${enc(orgId)}&limit=200`);
      if (!ctx.alive) return;
      const people = listOf(data, 'users');
      list.replaceChildren(...people.map((p) => memberRow(p, load)));
      setMessage(msg, people.length ? '' : t('admin.noMembers'));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      setMessage(msg, errorText(e, 'admin.membersFailed'));
    }
  }
  load();
  return section(t('admin.members'), msg, list);
}

function invitationRow(inv, reload) {
  const err = errorLine('invitation-error');
  const cancel = h('button', { type: 'button', class: 'secondary small-btn', testid: 'invitation-cancel' }, t('admin.cancelInvite'));
  cancel.addEventListener('click', () => busy(cancel, async () => {
    try {
      await api('DELETE', `/invitations/${enc(inv.id)}`);
      reload();
    } catch (e) {
      err.textContent = errorText(e, 'admin.actionFailed');
    }
  }));
  const done = inv.status === 'accepted' || inv.status === 'expired' || !!inv.accepted_at;
  const state = done ? t(inv.status === 'expired' ? 'admin.inviteExpired' : 'admin.inviteUsed') : null;
  return h('li', { class: 'admin-row', testid: 'invitation-row', dataset: { id: String(inv.id), status: inv.status || '' } },
    h('div', { class: 'admin-row-main' },
      h('span', { class: 'strong' }, inv.email || ''),
      inv.profession ? h('span', { class: 'muted small' }, professionLabel(inv.profession)) : null,
      Array.isArray(inv.roles) ? h('span', { class: 'muted small' }, inv.roles.map(roleLabel).join('、')) : null,
      inv.expires_at ? h('span', { class: 'muted small' }, t('admin.expires'), ' ', timeEl(inv.expires_at)) : null,
      state ? h('span', { class: 'tag' }, state) : null),
    done ? null : h('div', { class: 'row-actions' }, cancel), err);
}

function invitationsSection(ctx, orgId) {
  const email = h('input', { type: 'email', autocomplete: 'off', required: true, testid: 'invite-new-email' });
  const prof = h('select', { testid: 'invite-new-profession', required: true },
    h('option', { value: '' }, t('admin.chooseProfession')),
    PROFESSIONS.map((p) => h('option', { value: p }, professionLabel(p))));
  const roles = roleBoxes('invite-new-role', ['member']);
  const err = errorLine('invite-create-error');
  const result = h('div', { class: 'once-box', testid: 'invite-result', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'invite-create' }, t('admin.invite'));
  const list = h('ul', { class: 'admin-list', testid: 'invitations-list', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted', role: 'status' });

  async function load() {
    list.dataset.state = 'loading';
    try {
      const data = await api('GET', `/invitations?organisation=${enc(orgId)}&limit=200`);
      if (!ctx.alive) return;
      const items = listOf(data, 'invitations').filter((i) => !i.organisation_id || String(i.organisation_id) === String(orgId));
      list.replaceChildren(...items.map((i) => invitationRow(i, load)));
      setMessage(msg, items.length ? '' : t('admin.noInvites'));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      setMessage(msg, errorText(e, 'admin.invitesFailed'));
    }
  }

  const form = h('form', { class: 'invite-form', novalidate: true },
    field('invite-new-email-field', t('admin.inviteEmail'), email),
    field('invite-new-profession-field', t('admin.profession'), prof), roles, err, submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      err.textContent = '';
      if (!email.value.trim() || !email.checkValidity()) { err.textContent = t('admin.emailRequired'); email.focus(); return; }
      if (!prof.value) { err.textContent = t('admin.professionRequired'); prof.focus(); return; }
      const chosen = checkedRoles(roles);
      try {
        const data = await api('POST', '/invitations', {
          email: email.value.trim(), organisation_id: orgId, profession: prof.value,
          roles: chosen.length ? chosen : ['member'],
        });
        const link = new URL(String(data.link || ''), location.origin).href;
        const out = h('input', { type: 'text', readonly: true, value: link, testid: 'invite-link', class: 'mono' });
        result.replaceChildren(
          h('p', { class: 'strong' }, t('admin.inviteCreated', { email: email.value.trim() })),
          h('div', { class: 'copy-row' }, out, copyButton(() => out.value, 'invite-link-copy')),
          h('p', { class: 'muted small' }, t('admin.inviteOnce')));
        result.hidden = false;
        form.reset();
        roles.querySelector('input[value="member"]').checked = true;
        out.select();
        load();
      } catch (e) {
        err.textContent = errorText(e, 'admin.inviteFailed');
      }
    });
  });
  load();
  return section(t('admin.invitations'), form, result, h('h3', { class: 'sub-title' }, t('admin.pendingInvites')), msg, list);
}

export function renderOrgAdmin(root, route, ctx) {
  const own = session.user.organisation || {};
  const sel = h('select', { testid: 'org-select' }, h('option', { value: own.id }, own.name || ''));
  const body = h('div', { class: 'page-grid' });
  function show(orgId) {
    body.replaceChildren(membersSection(ctx, orgId), invitationsSection(ctx, orgId));
  }
  root.replaceChildren(
    h('h1', { class: 'page-title' }, t('admin.orgTitle')),
    field('org-select-field', t('admin.organisation'), sel),
    body);
  if (hasRole('tenant_admin')) {
    getOrganisations().then((orgs) => {
      if (!ctx.alive) return;
      sel.replaceChildren(...orgOptions(orgs));
      sel.value = String(route.orgId || own.id);
    }).catch(() => {});
    sel.addEventListener('change', () => show(sel.value));
  } else {
    sel.disabled = true;
  }
  show(route.orgId || own.id);
}
