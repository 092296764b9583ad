// The spaces section of the municipality admin page: every space of the
// tenant (GET /spaces?all=1), a new space (name, description, who may see
// it: professions and organisations, and its admins), editing who may see
// and administer a space, archiving.

import { h, field, section, errorLine, busy, enc, listOf, setMessage } from './dom.js';
import { t, professionLabel, PROFESSIONS } from './i18n.js';
import { api, errorText } from './api.js';
import { getOrganisations } from './orgs.js';
import { visibilityText } from './space.js';
import { loadSpaces } from './spaces.js';

function checks(legend, testid, items, chosen) {
  const boxes = items.map((it) => {
    const box = h('input', { type: 'checkbox', value: it.value, checked: chosen.has(String(it.value)), testid: `${testid}-${it.value}` });
    return { box, el: h('label', { class: 'check' }, box, it.label) };
  });
  return {
    el: h('fieldset', { class: 'roles choice-list', testid }, h('legend', {}, legend), boxes.map((b) => b.el)),
    values: () => boxes.filter((b) => b.box.checked).map((b) => b.box.value),
  };
}

/** The fields of a space: name, description, professions, organisations, admins. */
function spaceFields(prefix, orgs, people, space) {
  const v = (space && space.visibility) || {};
  const name = h('input', { type: 'text', required: true, maxlength: '200', testid: `${prefix}-name`, value: (space && space.name) || '' });
  const desc = h('textarea', { rows: '2', testid: `${prefix}-desc` });
  desc.value = (space && space.description) || '';
  const profs = checks(t('spaceAdmin.professions'), `${prefix}-prof`,
    PROFESSIONS.map((p) => ({ value: p, label: professionLabel(p) })), new Set(v.professions || []));
  const orgBoxes = checks(t('spaceAdmin.organisations'), `${prefix}-org`,
    orgs.map((o) => ({ value: o.id, label: o.name || '' })), new Set((v.organisations || []).map(String)));
  const admins = checks(t('spaceAdmin.admins'), `${prefix}-admin`,
    people.map((p) => ({ value: p.id, label: p.name || '' })), new Set(((space && space.admins) || []).map(String)));
  return {
    els: [field(`${prefix}-name-field`, t('spaceAdmin.name'), name), field(`${prefix}-desc-field`, t('spaceAdmin.description'), desc),
      h('p', { class: 'muted small' }, t('spaceAdmin.visibilityHint')), profs.el, orgBoxes.el, admins.el],
    value: () => ({
      name: name.value.trim(),
      description: desc.value,
      visibility: { professions: profs.values(), organisations: orgBoxes.values() },
      admins: admins.values(),
    }),
    name,
  };
}

function spaceRow(s, orgs, people, reload) {
  const vis = h('span', { class: 'muted small', testid: 'space-admin-visibility' }, '');
  visibilityText(s).then((text) => { vis.textContent = text; });
  const err = errorLine('space-admin-error');
  const editBox = h('div', { hidden: true });
  const edit = h('button', { type: 'button', class: 'secondary small-btn', testid: 'space-admin-edit' }, t('spaceAdmin.edit'));
  edit.addEventListener('click', () => {
    if (!editBox.hidden) { editBox.hidden = true; return; }
    const f = spaceFields('space-edit', orgs, people, s);
    const save = h('button', { type: 'submit', class: 'primary', testid: 'space-admin-save' }, t('common.save'));
    const form = h('form', { class: 'space-form', novalidate: true }, ...f.els, save);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(save, async () => {
        err.textContent = '';
        try {
          await api('PATCH', `/spaces/${enc(s.id)}`, f.value());
          await reload();
          loadSpaces();
        } catch (e) { err.textContent = errorText(e, 'spaceAdmin.failed'); }
      });
    });
    editBox.replaceChildren(form);
    editBox.hidden = false;
  });
  const archive = h('button', { type: 'button', class: 'secondary small-btn', testid: 'space-admin-archive' },
    s.archived ? t('spaceAdmin.unarchive') : t('spaceAdmin.archive'));
  archive.addEventListener('click', () => busy(archive, async () => {
    err.textContent = '';
    try {
      await api('PATCH', `/spaces/${enc(s.id)}`, { archived: !s.archived });
      await reload();
      loadSpaces();
    } catch (e) { err.textContent = errorText(e, 'spaceAdmin.failed'); }
  }));
  return h('li', { class: 'admin-row', testid: 'space-admin-row', dataset: { id: String(s.id), archived: String(!!s.archived) } },
    h('div', { class: 'admin-row-main' },
      h('a', { href: `#/spaces/${enc(s.id)}`, class: 'strong' }, s.name || ''),
      s.archived ? h('span', { class: 'tag' }, t('spaces.archivedTag')) : null,
      vis, edit, archive), err, editBox);
}

/** The section for the municipality admin page. */
export function spacesSection(ctx) {
  const list = h('ul', { class: 'admin-list', testid: 'spaces-admin-list', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted', role: 'status' });
  const createBox = h('div', {});
  let orgs = [];
  let people = [];
  async function load() {
    list.dataset.state = 'loading';
    try {
      const [o, p, data] = await Promise.all([getOrganisations(), api('GET', '/people?limit=200'), api('GET', '/spaces?all=1')]);
      if (!ctx.alive) return;
      orgs = o;
      people = listOf(p, 'people');
      const spaces = data.spaces || [];
      list.replaceChildren(...spaces.map((s) => spaceRow(s, orgs, people, load)));
      setMessage(msg, spaces.length ? '' : t('spaces.empty'));
      list.dataset.state = 'loaded';
      if (!createBox.children.length) createBox.replaceChildren(createForm());
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      setMessage(msg, errorText(e, 'spaces.loadFailed'));
    }
  }
  function createForm() {
    const f = spaceFields('space-new', orgs, people, null);
    const err = errorLine('space-new-error');
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'space-create' }, t('spaceAdmin.create'));
    const form = h('form', { class: 'space-form', novalidate: true }, ...f.els, submit, err);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(submit, async () => {
        err.textContent = '';
        const body = f.value();
        if (!body.name) { err.textContent = t('spaceAdmin.nameRequired'); f.name.focus(); return; }
        try {
          await api('POST', '/spaces', body);
          createBox.replaceChildren(createForm());
          await load();
          loadSpaces();
        } catch (e) { err.textContent = errorText(e, 'spaceAdmin.failed'); }
      });
    });
    return h('details', { class: 'space-new' }, h('summary', { testid: 'space-new-open' }, t('spaceAdmin.newSpace')), form);
  }
  load();
  return section(t('spaceAdmin.spaces'), createBox, msg, list);
}
