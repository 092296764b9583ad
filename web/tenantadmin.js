// The municipality admin page: spaces (spaceadmin.js), apps (appbuilder.js), organisations (create, rename), people across
// organisations (transfer), and the way to API tokens and the audit log.

import { h, field, section, errorLine, busy, enc, listOf, setMessage } from './dom.js';
import { t, kindLabel, professionLabel, KINDS } from './i18n.js';
import { api, errorText } from './api.js';
import { getOrganisations, forgetOrganisations, orgOptions } from './orgs.js';
import { personLink } from './people.js';
import { spacesSection } from './spaceadmin.js';
import { appsSection } from './appbuilder.js';

function kindSelect(testid, value) {
  const sel = h('select', { testid }, KINDS.map((k) => h('option', { value: k }, kindLabel(k))));
  if (value) sel.value = value;
  return sel;
}

function orgRow(o, reload) {
  const name = h('input', { type: 'text', value: o.name || '', testid: 'org-name', 'aria-label': t('tenant.orgName') });
  const kind = kindSelect('org-kind', o.kind);
  kind.setAttribute('aria-label', t('tenant.orgKind'));
  const err = errorLine('org-error');
  const save = h('button', { type: 'button', class: 'secondary small-btn', testid: 'org-save' }, t('common.save'));
  save.addEventListener('click', () => busy(save, async () => {
    err.textContent = '';
    try {
      await api('PATCH', `/organisations/${enc(o.id)}`, { name: name.value.trim(), kind: kind.value });
      forgetOrganisations();
      save.textContent = t('common.saved');
      setTimeout(() => { save.textContent = t('common.save'); }, 2500);
    } catch (e) {
      err.textContent = errorText(e, 'tenant.orgFailed');
    }
  }));
  return h('li', { class: 'admin-row', testid: 'org-row', dataset: { id: String(o.id) } },
    h('div', { class: 'admin-row-main' }, name, kind, save,
      h('a', { href: `#/org/${enc(o.id)}`, class: 'small' }, t('tenant.manageMembers'))), err);
}

function orgsSection(ctx) {
  const list = h('ul', { class: 'admin-list', testid: 'orgs-list', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted', role: 'status' });
  async function load() {
    list.dataset.state = 'loading';
    try {
      forgetOrganisations();
      const orgs = await getOrganisations(true);
      if (!ctx.alive) return;
      list.replaceChildren(...orgs.map((o) => orgRow(o, load)));
      setMessage(msg, orgs.length ? '' : t('tenant.noOrgs'));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      setMessage(msg, errorText(e, 'tenant.orgsFailed'));
    }
  }
  const name = h('input', { type: 'text', required: true, testid: 'org-new-name' });
  const kind = kindSelect('org-new-kind');
  const err = errorLine('org-new-error');
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'org-create' }, t('tenant.createOrg'));
  const form = h('form', { class: 'inline-form', novalidate: true },
    field('org-new-name-field', t('tenant.orgName'), name),
    field('org-new-kind-field', t('tenant.orgKind'), kind), submit, err);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      err.textContent = '';
      if (!name.value.trim()) { err.textContent = t('tenant.orgNameRequired'); name.focus(); return; }
      try {
        await api('POST', '/organisations', { name: name.value.trim(), kind: kind.value });
        form.reset();
        await load();
      } catch (e) {
        err.textContent = errorText(e, 'tenant.orgFailed');
      }
    });
  });
  load();
  return section(t('tenant.orgs'), form, msg, list);
}

function userRow(p, orgs) {
  const org = p.organisation || {};
  const sel = h('select', { testid: 'transfer-org', 'aria-label': t('tenant.transferTo', { name: p.name || '' }) },
    ...orgOptions(orgs));
  sel.value = org.id || '';
  const err = errorLine('transfer-error');
  const btn = h('button', { type: 'button', class: 'secondary small-btn', testid: 'transfer-submit' }, t('tenant.transfer'));
  btn.addEventListener('click', () => busy(btn, async () => {
    err.textContent = '';
    if (sel.value === String(org.id)) return;
    try {
      await api('POST', `/users/${enc(p.id)}/transfer`, { organisation_id: sel.value });
      org.id = sel.value;
      btn.textContent = t('tenant.transferred');
      setTimeout(() => { btn.textContent = t('tenant.transfer'); }, 2500);
    } catch (e) {
      err.textContent = errorText(e, 'tenant.transferFailed');
    }
  }));
  return h('li', { class: 'admin-row', testid: 'user-row', dataset: { userId: String(p.id) } },
    h('div', { class: 'admin-row-main' }, personLink(p),
      h('span', { class: 'muted small' }, [org.name, professionLabel(p.profession)].filter(Boolean).join(' ・ ')),
      sel, btn), err);
}

function usersSection(ctx) {
  const q = h('input', { type: 'search', testid: 'users-search' });
  const list = h('ul', { class: 'admin-list', testid: 'users-list', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted', role: 'status' });
  let seq = 0;
  async function load() {
    const mine = ++seq;
    list.dataset.state = 'loading';
    try {
      const params = new URLSearchParams({ limit: '200' });
      if (q.value.trim()) params.set('q', q.value.trim());
      const [orgs, data] = await Promise.all([getOrganisations(), api('GET', `/people?${params}`)]);
      if (!ctx.alive || mine !== seq) return;
      const people = listOf(data, 'people');
      list.replaceChildren(...people.map((p) => userRow(p, orgs)));
      setMessage(msg, people.length ? '' : t('people.none'));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      list.dataset.state = 'error';
      setMessage(msg, errorText(e, 'people.loadFailed'));
    }
  }
  let timer = null;
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(load, 250); });
  load();
  return section(t('tenant.users'), h('p', { class: 'muted small' }, t('tenant.usersLead')),
    field('users-search-field', t('people.search'), q), msg, list);
}

export function renderTenantAdmin(root, route, ctx) {
  root.replaceChildren(
    h('h1', { class: 'page-title' }, t('tenant.title')),
    h('nav', { class: 'page-links' },
      h('a', { href: '#/tokens', testid: 'tenant-tokens-link' }, t('nav.tokens')),
      h('a', { href: '#/audit', testid: 'tenant-audit-link' }, t('nav.audit'))),
    h('div', { class: 'page-grid' }, spacesSection(ctx), appsSection(ctx), orgsSection(ctx), usersSection(ctx)));
}
