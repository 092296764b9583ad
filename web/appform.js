// The form of a record, generated from its app's field definitions: one
// input per field type, required fields marked, and the API's
// invalid_record answer shown next to each named input.

import { h, errorLine, busy, enc, listOf } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { getOrganisations } from './orgs.js';
import { appError, tokyoLocal, fromTokyoLocal, choiceOptions } from './apps.js';

/** A select filled from a search (people or facilities), keeping the chosen value. */
function lookupPicker(key, path, listKey, value, name) {
  const q = h('input', { type: 'search', class: 'lookup-q', testid: `record-lookup-${key}`, placeholder: t('apps.lookupPlaceholder'), 'aria-label': t('apps.lookupPlaceholder') });
  const sel = h('select', { testid: `record-input-${key}` }, h('option', { value: '' }, t('apps.choose')));
  if (value) sel.append(h('option', { value: String(value) }, name || String(value)));
  sel.value = value ? String(value) : '';
  let seq = 0;
  async function search() {
    const mine = ++seq;
    const params = new URLSearchParams({ limit: '50' });
    if (q.value.trim()) params.set('q', q.value.trim());
    try {
      const items = listOf(await api('GET', `${path}?${params}`), listKey);
      if (mine !== seq) return;
      const keep = sel.value;
      const keepText = sel.selectedOptions[0] ? sel.selectedOptions[0].textContent : '';
      const opts = items.map((it) => h('option', { value: String(it.id) },
        [it.name, it.organisation && it.organisation.name, it.district].filter(Boolean).join(' ・ ')));
      if (keep && !items.some((it) => String(it.id) === keep)) opts.unshift(h('option', { value: keep }, keepText));
      sel.replaceChildren(h('option', { value: '' }, t('apps.choose')), ...opts);
      sel.value = keep;
      if (q.value.trim() && !keep && items.length) sel.value = String(items[0].id);
      sel.dataset.state = 'loaded';
    } catch {
      sel.dataset.state = 'error';
    }
  }
  let timer = null;
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 250); });
  search();
  return { el: h('div', { class: 'lookup' }, q, sel), control: sel, get: () => sel.value || null };
}

/** The input of one field: {el, control, get()} where get() is the JSON value or null. */
function input(f, value, display) {
  const id = `record-input-${f.key}`;
  const base = { testid: id, required: f.required || null };
  switch (f.type) {
    case 'long_text': {
      const c = h('textarea', { ...base, rows: '4', maxlength: '10000' });
      c.value = value ?? '';
      return { el: c, control: c, get: () => c.value.trim() || null };
    }
    case 'number': {
      const c = h('input', { ...base, type: 'number', step: 'any', min: f.min ?? null, max: f.max ?? null, value: value ?? '' });
      return { el: c, control: c, get: () => (c.value.trim() === '' ? null : Number(c.value)) };
    }
    case 'date': {
      const c = h('input', { ...base, type: 'date', value: value || '' });
      return { el: c, control: c, get: () => c.value || null };
    }
    case 'datetime': {
      const c = h('input', { ...base, type: 'datetime-local', value: tokyoLocal(value) });
      return { el: c, control: c, get: () => fromTokyoLocal(c.value) };
    }
    case 'choice': {
      const c = h('select', base, choiceOptions(f.choices, t('apps.choose')));
      c.value = value || '';
      return { el: c, control: c, get: () => c.value || null };
    }
    case 'multi_choice': {
      const chosen = new Set(Array.isArray(value) ? value : []);
      const boxes = (f.choices || []).map((c) => h('input', { type: 'checkbox', value: c, checked: chosen.has(c), testid: `${id}-${c}` }));
      const fs = h('fieldset', { class: 'choice-list inline-checks', testid: id },
        boxes.map((b) => h('label', { class: 'check' }, b, b.value)));
      return { el: fs, control: boxes[0] || fs, get: () => { const v = boxes.filter((b) => b.checked).map((b) => b.value); return v.length ? v : null; } };
    }
    case 'user': return lookupPicker(f.key, '/people', 'people', value, display && display[f.key]);
    case 'facility': return lookupPicker(f.key, '/facilities', 'facilities', value, display && display[f.key]);
    case 'organisation': {
      const c = h('select', base, h('option', { value: '' }, t('apps.choose')));
      if (value) c.append(h('option', { value: String(value) }, (display && display[f.key]) || String(value)));
      c.value = value ? String(value) : '';
      getOrganisations().then((orgs) => {
        const keep = c.value;
        c.replaceChildren(h('option', { value: '' }, t('apps.choose')), ...orgs.map((o) => h('option', { value: String(o.id) }, o.name || '')));
        if (keep && !orgs.some((o) => String(o.id) === keep)) c.append(h('option', { value: keep }, (display && display[f.key]) || keep));
        c.value = keep;
      }).catch(() => {});
      return { el: c, control: c, get: () => c.value || null };
    }
    default: {
      const type = f.type === 'phone' ? 'tel' : f.type === 'link' ? 'url' : 'text';
      const c = h('input', { ...base, type, value: value ?? '', maxlength: f.type === 'link' ? '2000' : '1000' });
      return { el: c, control: c, get: () => c.value.trim() || null };
    }
  }
}

/**
 * The form of a new record (record null) or of a change to one. onSaved(record)
 * runs after the API accepted it; onCancel (optional) closes the form.
 */
export function recordForm(app, record, { onSaved, onCancel } = {}) {
  const values = (record && record.values) || {};
  const display = (record && record.display) || {};
  const inputs = new Map();
  const errors = new Map();
  const rows = (app.fields || []).map((f) => {
    const inp = input(f, values[f.key], display);
    const err = h('p', { class: 'form-error field-error', role: 'alert', testid: `record-error-${f.key}`, id: `record-error-${f.key}` });
    inp.control.id = inp.control.id || `record-${f.key}`;
    inp.control.setAttribute('aria-describedby', err.id);
    inputs.set(f.key, inp);
    errors.set(f.key, err);
    const label = h('label', { for: inp.control.id }, f.label || f.key,
      f.required ? h('span', { class: 'required', title: t('apps.required') }, ' *') : null);
    return h('div', { class: 'field', testid: `record-field-${f.key}`, dataset: { type: f.type } }, label, inp.el, err);
  });
  const err = errorLine('record-form-error');
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'record-save' }, record ? t('common.save') : t('apps.create'));
  const cancel = onCancel ? h('button', { type: 'button', class: 'secondary', testid: 'record-cancel', onclick: onCancel }, t('apps.cancel')) : null;
  const form = h('form', { class: 'record-form card page-section', novalidate: true, testid: 'record-form' },
    h('p', { class: 'muted small' }, t('apps.requiredNote')), rows, err, h('div', { class: 'form-actions' }, submit, cancel));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      err.textContent = '';
      for (const e of errors.values()) e.textContent = '';
      const body = { values: {} };
      for (const [key, inp] of inputs) {
        const v = inp.get();
        if (v != null || record) body.values[key] = v;
      }
      try {
        const data = record
          ? await api('PATCH', `/app-records/${enc(record.id)}`, body)
          : await api('POST', `/apps/${enc(app.id)}/records`, body);
        if (onSaved) onSaved(data.record);
      } catch (e) {
        const unknown = [];
        for (const fe of e.fields || []) {
          const line = errors.get(fe.field);
          if (line) line.textContent = line.textContent ? `${line.textContent} ${fe.reason}` : fe.reason;
          else unknown.push(`${fe.field}: ${fe.reason}`);
        }
        err.textContent = [appError(e, 'apps.saveFailed'), ...unknown].join(' ');
        const first = (e.fields || []).map((fe) => inputs.get(fe.field)).find(Boolean);
        if (first) first.control.focus();
      }
    });
  });
  return form;
}
