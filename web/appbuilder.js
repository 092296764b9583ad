// The app builder on the municipality admin page: every app of the
// tenant; a new app (name, key, description, its fields — key, label,
// type, required, choices, min/max; added, removed and reordered — and who
// may read and write: professions, organisations, 所有組織が編集); changing
// an app's fields and rules, with the API's refusals (field_in_use, …)
// shown as they come.

import { h, field, section, errorLine, busy, setMessage } from './dom.js';
import { t, professionLabel, PROFESSIONS } from './i18n.js';
import { api } from './api.js';
import { getOrganisations } from './orgs.js';
import { getApps, forgetApps, appHref, appError, FIELD_TYPES, CHOICE_TYPES } from './apps.js';
import { loadAppNav } from './appnav.js';

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

/** One field's row in the editor: {el, value()}. */
function fieldRow(f, move, remove) {
  const locked = !!f.builtin;
  const key = h('input', { type: 'text', value: f.key || '', testid: 'field-key', pattern: '[a-z][a-z0-9_]{0,39}', 'aria-label': t('builder.key'), disabled: locked || null, class: 'mono' });
  const label = h('input', { type: 'text', value: f.label || '', testid: 'field-label', maxlength: '100', 'aria-label': t('builder.label') });
  const type = h('select', { testid: 'field-type', 'aria-label': t('builder.type'), disabled: locked || null },
    FIELD_TYPES.map((ty) => h('option', { value: ty }, t(`fieldType.${ty}`))));
  type.value = f.type || 'text';
  const required = h('input', { type: 'checkbox', checked: !!f.required, testid: 'field-required' });
  const choices = h('textarea', { rows: '3', testid: 'field-choices', 'aria-label': t('builder.choices'), placeholder: t('builder.choicesHint') });
  choices.value = (f.choices || []).join('\n');
  const min = h('input', { type: 'number', step: 'any', value: f.min ?? '', testid: 'field-min', 'aria-label': t('builder.min') });
  const max = h('input', { type: 'number', step: 'any', value: f.max ?? '', testid: 'field-max', 'aria-label': t('builder.max') });
  const choiceBox = h('label', { class: 'field-extra' }, t('builder.choices'), choices);
  const rangeBox = h('span', { class: 'field-extra' }, t('builder.min'), min, t('builder.max'), max);
  const sync = () => { choiceBox.hidden = !CHOICE_TYPES.has(type.value); rangeBox.hidden = type.value !== 'number'; };
  type.addEventListener('change', sync);
  sync();
  const el = h('li', { class: 'builder-field', testid: 'builder-field', dataset: { key: f.key || '' } },
    h('div', { class: 'admin-row-main' }, key, label, type,
      h('label', { class: 'check' }, required, t('builder.required')),
      h('button', { type: 'button', class: 'secondary small-btn', testid: 'field-up', 'aria-label': t('builder.up'), onclick: () => move(el, -1) }, '↑'),
      h('button', { type: 'button', class: 'secondary small-btn', testid: 'field-down', 'aria-label': t('builder.down'), onclick: () => move(el, 1) }, '↓'),
      locked ? h('span', { class: 'tag' }, t('builder.builtin'))
        : h('button', { type: 'button', class: 'secondary small-btn danger', testid: 'field-remove', onclick: () => remove(el) }, t('builder.remove'))),
    choiceBox, rangeBox);
  el.fieldValue = () => {
    const v = { key: key.value.trim(), label: label.value.trim(), type: type.value, required: required.checked };
    if (CHOICE_TYPES.has(v.type)) v.choices = choices.value.split('\n').map((s) => s.trim()).filter(Boolean);
    if (v.type === 'number') {
      if (min.value.trim() !== '') v.min = Number(min.value);
      if (max.value.trim() !== '') v.max = Number(max.value);
    }
    return v;
  };
  return el;
}

/** The form of a new app (app null) or of a change to one. */
function appForm(prefix, app, orgs, onDone) {
  const name = h('input', { type: 'text', required: true, maxlength: '100', testid: `${prefix}-name`, value: (app && app.name) || '' });
  const key = app ? null : h('input', { type: 'text', class: 'mono', maxlength: '40', testid: `${prefix}-key`, placeholder: 'visits' });
  const desc = h('textarea', { rows: '2', testid: `${prefix}-desc` });
  desc.value = (app && app.description) || '';
  const fields = h('ol', { class: 'builder-fields', testid: `${prefix}-fields` });
  const move = (el, d) => {
    if (d < 0 && el.previousElementSibling) el.previousElementSibling.before(el);
    else if (d > 0 && el.nextElementSibling) el.nextElementSibling.after(el);
  };
  const remove = (el) => el.remove();
  const add = (f) => fields.append(fieldRow(f, move, remove));
  for (const f of (app && app.fields) || []) add(f);
  if (!app) add({ type: 'text', required: true });
  const addBtn = h('button', { type: 'button', class: 'secondary small-btn', testid: 'field-add', onclick: () => add({ type: 'text' }) }, t('builder.addField'));
  const r = (app && app.read) || {};
  const w = (app && app.write) || { owner_organisation: true };
  const profItems = PROFESSIONS.map((p) => ({ value: p, label: professionLabel(p) }));
  const orgItems = orgs.map((o) => ({ value: o.id, label: o.name || '' }));
  const readProf = checks(t('builder.readProfessions'), `${prefix}-read-prof`, profItems, new Set(r.professions || []));
  const readOrg = checks(t('builder.readOrganisations'), `${prefix}-read-org`, orgItems, new Set((r.organisations || []).map(String)));
  const writeProf = checks(t('builder.writeProfessions'), `${prefix}-write-prof`, profItems, new Set(w.professions || []));
  const writeOrg = checks(t('builder.writeOrganisations'), `${prefix}-write-org`, orgItems, new Set((w.organisations || []).map(String)));
  const owner = h('input', { type: 'checkbox', checked: w.owner_organisation !== false, testid: `${prefix}-write-owner` });
  const err = errorLine(`${prefix}-error`);
  const submit = h('button', { type: 'submit', class: 'primary', testid: app ? `${prefix}-save` : 'app-create' }, app ? t('common.save') : t('builder.create'));
  const form = h('form', { class: 'space-form app-form', novalidate: true, testid: `${prefix}-form` },
    field(`${prefix}-name-field`, t('builder.name'), name),
    key ? field(`${prefix}-key-field`, t('builder.appKey'), key, t('builder.keyHint')) : null,
    field(`${prefix}-desc-field`, t('builder.description'), desc),
    h('h3', { class: 'sub-title' }, t('builder.fields')), h('p', { class: 'muted small' }, t('builder.fieldsHint')), fields, addBtn,
    h('h3', { class: 'sub-title' }, t('builder.read')), h('p', { class: 'muted small' }, t('builder.readHint')), readProf.el, readOrg.el,
    h('h3', { class: 'sub-title' }, t('builder.write')),
    h('label', { class: 'check' }, owner, t('builder.ownerOrganisation')), writeProf.el, writeOrg.el,
    submit, err);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      err.textContent = '';
      const fs = [...fields.children].map((li) => li.fieldValue());
      fs.forEach((f, i) => { if (!f.key) f.key = `field_${i + 1}`; });
      const body = {
        name: name.value.trim(), description: desc.value, fields: fs,
        read: { professions: readProf.values(), organisations: readOrg.values() },
        write: { professions: writeProf.values(), organisations: writeOrg.values(), owner_organisation: owner.checked },
      };
      if (key && key.value.trim()) body.key = key.value.trim();
      if (!body.name) { err.textContent = t('builder.nameRequired'); name.focus(); return; }
      try {
        const data = app ? await api('PATCH', `/apps/${encodeURIComponent(app.id)}`, body) : await api('POST', '/apps', body);
        forgetApps();
        loadAppNav();
        await onDone(data.app);
      } catch (e) { err.textContent = appError(e, 'builder.failed'); }
    });
  });
  return form;
}

export function appsSection(ctx) {
  const list = h('ul', { class: 'admin-list', testid: 'apps-admin-list', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted', role: 'status' });
  const createBox = h('div', {});
  let orgs = [];
  function row(a) {
    const editBox = h('div', { hidden: true });
    const edit = h('button', { type: 'button', class: 'secondary small-btn', testid: 'app-admin-edit' }, t('builder.edit'));
    edit.addEventListener('click', () => {
      if (!editBox.hidden) { editBox.hidden = true; return; }
      editBox.replaceChildren(appForm('app-edit', a, orgs, async () => { await load(); }));
      editBox.hidden = false;
    });
    return h('li', { class: 'admin-row', testid: 'app-admin-row', dataset: { id: String(a.id), key: a.key || '' } },
      h('div', { class: 'admin-row-main' },
        h('a', { href: appHref(a), class: 'strong' }, a.name || ''),
        a.builtin ? h('span', { class: 'tag' }, t('builder.builtin')) : null,
        h('span', { class: 'muted small' }, t('builder.fieldCount', { n: (a.fields || []).length })),
        h('span', { class: 'muted small' }, t('apps.count', { n: a.record_count ?? 0 })), edit), editBox);
  }
  function createForm() {
    const form = appForm('app-new', null, orgs, async (app) => {
      createBox.replaceChildren(createForm());
      await load();
      const made = list.querySelector(`[data-id="${CSS.escape(String(app.id))}"]`);
      if (made) made.dataset.created = 'true';
    });
    return h('details', { class: 'space-new' }, h('summary', { testid: 'app-new-open' }, t('builder.newApp')), form);
  }
  async function load() {
    list.dataset.state = 'loading';
    try {
      const [o, apps] = await Promise.all([getOrganisations(), getApps(true)]);
      if (!ctx.alive) return;
      orgs = o;
      list.replaceChildren(...apps.map(row));
      setMessage(msg, apps.length ? '' : t('apps.none'));
      list.dataset.state = 'loaded';
      if (!createBox.children.length) createBox.replaceChildren(createForm());
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      setMessage(msg, appError(e, 'apps.loadFailed'));
    }
  }
  load();
  const s = section(t('builder.title'), createBox, msg, list);
  s.classList.add('wide-section');
  return s;
}
