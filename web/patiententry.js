// Timeline entries of a patient's file: one entry as a card (its fields,
// text, the correction links "訂正", attachments, who read it) and the entry
// form — a category's structured fields, templates (mine and shared) that
// prefill it, one-tap vitals prefilled with the last values, messages with
// addressees from the team, corrections of an entry, attachments. The whole
// form works from the keyboard: fields in reading order, Enter submits
// (Ctrl+Enter in the text), Esc closes; a number field selects its value
// when entered, so typing replaces the prefilled value.

import { h, enc, timeEl, busy, errorLine, announce } from './dom.js';
import { t } from './i18n.js';
import { api, ApiError, session } from './api.js';
import {
  categoryLabel, vitalLabel, adlLabel, adlLevelLabel, changeLabel, incidentLabel, roleLabel, codeSelect, inlineField,
  showError, CATEGORIES, VITALS, ADL_ITEMS, ADL_LEVELS, MED_CHANGES, INCIDENT_KINDS,
} from './patients.js';

const ATTACHMENT_TYPES = 'image/png,image/jpeg,image/gif,image/webp,application/pdf';

/** The fields of an entry as one line of text. */
export function fieldsText(category, f) {
  if (!f) return '';
  const parts = [];
  if (category === 'vitals') {
    if (f.systolic != null || f.diastolic != null) parts.push(`${t('pt.vital.bp')} ${f.systolic ?? '–'}/${f.diastolic ?? '–'}`);
    for (const v of VITALS) {
      if (v.key === 'systolic' || v.key === 'diastolic' || f[v.key] == null) continue;
      parts.push(`${vitalLabel(v.key)} ${f[v.key]}${t(`pt.unit.${v.key}`)}`);
    }
  } else if (category === 'medication') {
    if (f.drug) parts.push(f.drug);
    if (f.change) parts.push(changeLabel(f.change));
    if (f.dose) parts.push(f.dose);
  } else if (category === 'adl') {
    for (const k of ADL_ITEMS) if (f[k]) parts.push(`${adlLabel(k)}: ${adlLevelLabel(f[k])}`);
    if (f.condition) parts.push(f.condition);
  } else if (category === 'incident') {
    if (f.kind) parts.push(incidentLabel(f.kind));
    if (f.injury != null) parts.push(t(f.injury ? 'pt.incident.injured' : 'pt.incident.noInjury'));
    if (f.occurred_at) parts.push(`${t('pt.incident.at')} ${new Date(f.occurred_at).toLocaleString(undefined, { timeZone: 'Asia/Tokyo' })}`);
  }
  return parts.join(' ／ ');
}

function entryHref(patientId, id) {
  return `#/patients/${enc(patientId)}/entries/${enc(id)}`;
}

/** One entry as a list item; opts: {onCorrect(entry), opened}. */
export function entryCard(e, opts = {}) {
  const corrected = (e.corrected_by || []).length > 0;
  const li = h('li', {
    class: `card pt-entry${e.read === false ? ' unread' : ''}${corrected ? ' pt-corrected' : ''}${opts.opened ? ' pt-opened' : ''}`,
    testid: opts.opened ? 'entry-opened' : 'entry',
    dataset: { id: String(e.id), category: e.category || '', read: String(e.read !== false), corrects: e.corrects || '' },
  },
  h('header', { class: 'pt-entry-head' },
    h('span', { class: `tag pt-cat pt-cat-${e.category}` }, categoryLabel(e.category)),
    e.corrects ? h('a', { href: entryHref(e.patient_id, e.corrects), class: 'tag pt-correction', testid: 'entry-corrects-link' },
      t('pt.correction')) : null,
    corrected ? h('span', { class: 'tag tag-off', testid: 'entry-corrected' }, t('pt.corrected'),
      ...e.corrected_by.map((id) => h('a', { href: entryHref(e.patient_id, id), class: 'pt-corrected-link', testid: 'entry-corrected-link' },
        ` → ${t('pt.correctionLink')}`))) : null,
    h('span', { class: 'strong' }, (e.author && e.author.name) || ''),
    e.author && e.author.role ? h('span', { class: 'muted small' }, roleLabel(e.author.role)) : null,
    h('a', { href: entryHref(e.patient_id, e.id), class: 'pt-entry-time', testid: 'entry-link' }, timeEl(e.created_at)),
    e.read === false ? h('span', { class: 'tag pt-unread', testid: 'entry-unread' }, t('pt.unread')) : null),
  e.fields && Object.keys(e.fields).length
    ? h('p', { class: 'pt-entry-fields', testid: 'entry-fields' }, fieldsText(e.category, e.fields)) : null,
  e.text ? h('p', { class: 'pt-entry-text', testid: 'entry-text' }, e.text) : null,
  (e.addressed_to || []).length ? h('p', { class: 'muted small', testid: 'entry-to' },
    `${t('pt.to')}: ${e.addressed_to.map((p) => p.name).join('、')}`) : null,
  (e.attachments || []).length ? h('ul', { class: 'pt-attachments' }, ...e.attachments.map((a) => h('li', {},
    h('a', { href: `/api/v1/patient-attachments/${enc(a.id)}`, target: '_blank', rel: 'noopener', testid: 'entry-attachment' },
      a.filename || a.id), h('span', { class: 'muted small' }, ` ${Math.ceil((a.size || 0) / 1024)} KB`)))) : null,
  h('footer', { class: 'pt-entry-foot' },
    (e.read_by || []).length ? h('span', { class: 'muted small', testid: 'entry-read-by' },
      `${t('pt.readBy')}: ${e.read_by.map((r) => r.name).join('、')}`) : null,
    opts.onCorrect ? h('button', { type: 'button', class: 'secondary small-btn', testid: 'entry-correct', onclick: () => opts.onCorrect(e) },
      t('pt.correct')) : null));
  return li;
}

function numberInput(testid) {
  const el = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', testid, class: 'pt-num' });
  el.addEventListener('focus', () => el.select());
  return el;
}

/** The structured fields of one category: {el, values(), set(fields), first}. */
function categoryFields(category, last) {
  if (category === 'vitals') {
    const inputs = VITALS.map((v) => numberInput(`vital-${v.key}`));
    const el = h('div', { class: 'pt-row pt-vitals' }, ...VITALS.map((v, i) => {
      const prev = last && last.vitals && last.vitals[v.key];
      const unit = t(`pt.unit.${v.key}`);
      const f = inlineField(`${vitalLabel(v.key)}${unit ? ` (${unit})` : ''}`, inputs[i], 'pt-vital');
      if (prev && prev.value != null) {
        f.append(h('span', { class: 'muted small pt-prev', testid: `vital-prev-${v.key}` },
          `${t('pt.entry.prev')} ${prev.value}`));
      }
      return f;
    }));
    return {
      el,
      first: inputs[0],
      values: () => {
        const f = {};
        VITALS.forEach((v, i) => {
          const s = inputs[i].value.trim();
          if (!s) return;
          const n = Number(s);
          f[v.key] = s !== '' && Number.isFinite(n) ? n : s;
        });
        return f;
      },
      set: (f) => { VITALS.forEach((v, i) => { if (f && f[v.key] != null) inputs[i].value = String(f[v.key]); }); },
      prefillLast: () => {
        VITALS.forEach((v, i) => {
          const prev = last && last.vitals && last.vitals[v.key];
          if (prev && prev.value != null) inputs[i].value = String(prev.value);
        });
      },
      mark: (field) => { VITALS.forEach((v, i) => inputs[i].setAttribute('aria-invalid', String(v.key === field))); },
    };
  }
  if (category === 'medication') {
    const drug = h('input', { type: 'text', maxlength: 200, testid: 'med-drug', autocomplete: 'off' });
    const change = codeSelect('med-change', MED_CHANGES, changeLabel, ['', t('pt.choose')]);
    const dose = h('input', { type: 'text', maxlength: 200, testid: 'med-dose', autocomplete: 'off' });
    return {
      el: h('div', { class: 'pt-row' }, inlineField(t('pt.med.drug'), drug), inlineField(t('pt.med.change'), change),
        inlineField(t('pt.med.dose'), dose)),
      first: drug,
      values: () => {
        const f = {};
        if (drug.value.trim()) f.drug = drug.value.trim();
        if (change.value) f.change = change.value;
        if (dose.value.trim()) f.dose = dose.value.trim();
        return f;
      },
      set: (f) => { if (!f) return; if (f.drug) drug.value = f.drug; if (f.change) change.value = f.change; if (f.dose) dose.value = f.dose; },
    };
  }
  if (category === 'adl') {
    const sels = ADL_ITEMS.map((k) => codeSelect(`adl-${k}`, ADL_LEVELS, adlLevelLabel, ['', t('pt.choose')]));
    const cond = h('input', { type: 'text', maxlength: 500, testid: 'adl-condition', autocomplete: 'off' });
    const set = (f) => {
      if (!f) return;
      ADL_ITEMS.forEach((k, i) => { if (f[k]) sels[i].value = f[k]; });
      if (f.condition) cond.value = f.condition;
    };
    return {
      el: h('div', { class: 'pt-row' }, ...ADL_ITEMS.map((k, i) => inlineField(adlLabel(k), sels[i])),
        inlineField(t('pt.adl.condition'), cond, 'pt-wide')),
      first: sels[0],
      values: () => {
        const f = {};
        ADL_ITEMS.forEach((k, i) => { if (sels[i].value) f[k] = sels[i].value; });
        if (cond.value.trim()) f.condition = cond.value.trim();
        return f;
      },
      set,
      prefillLast: () => {
        const a = (last && last.adl) || {};
        const f = {};
        for (const [k, v] of Object.entries(a)) f[k] = v && v.value;
        set(f);
      },
    };
  }
  if (category === 'incident') {
    const kind = codeSelect('inc-kind', INCIDENT_KINDS, incidentLabel, ['', t('pt.choose')]);
    const injury = h('input', { type: 'checkbox', testid: 'inc-injury' });
    const at = h('input', { type: 'datetime-local', testid: 'inc-occurred' });
    return {
      el: h('div', { class: 'pt-row' }, inlineField(t('pt.incident.kind'), kind),
        h('label', { class: 'check pt-check' }, injury, ` ${t('pt.incident.hasInjury')}`), inlineField(t('pt.incident.at'), at)),
      first: kind,
      values: () => {
        const f = {};
        if (kind.value) f.kind = kind.value;
        f.injury = injury.checked;
        if (at.value) {
          const d = new Date(at.value);
          if (!Number.isNaN(d.getTime())) f.occurred_at = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
        }
        return f;
      },
      set: (f) => { if (!f) return; if (f.kind) kind.value = f.kind; injury.checked = !!f.injury; },
    };
  }
  return { el: null, first: null, values: () => ({}), set: () => {} };
}

/**
 * The entry form of a patient. ctx: the page's; patient, team (members),
 * last (the last values, or null). onSaved(entry) after a 201. Returns
 * {el, open(category, {fields, text, corrects, quick}), close()}.
 */
export function entryForm(ctx, patient, team, last, onSaved) {
  const me = session.user && session.user.id;
  let templates = [];
  const state = { category: null, fields: null, corrects: null };
  const catBar = h('div', { class: 'pt-catbar', role: 'group', 'aria-label': t('pt.entry.categories') },
    h('button', { type: 'button', class: 'primary', testid: 'vitals-quick', title: t('pt.entry.quickHint'),
      onclick: () => open('vitals', { quick: true }) }, t('pt.entry.quick')),
    ...CATEGORIES.map((c) => h('button', { type: 'button', class: 'secondary small-btn', testid: `entry-cat-${c}`,
      onclick: () => open(c) }, categoryLabel(c))));
  const body = h('div', { class: 'pt-entry-body', hidden: true });
  const box = h('section', { class: 'card page-section pt-entry-form-box', testid: 'entry-box' },
    h('h2', { class: 'section-title' }, t('pt.entry.title')),
    h('p', { class: 'muted small' }, t('pt.entry.keys')),
    catBar, body);

  async function loadTemplates() {
    try {
      const data = await api('GET', '/entry-templates');
      templates = (data && data.templates) || [];
    } catch {
      templates = [];
    }
  }
  loadTemplates();

  function close() {
    body.hidden = true;
    body.replaceChildren();
    box.dataset.category = '';
    state.category = null;
  }

  function open(category, opts = {}) {
    state.category = category;
    state.corrects = opts.corrects || null;
    box.dataset.category = category;
    const fields = categoryFields(category, last);
    if (opts.quick && fields.prefillLast) fields.prefillLast();
    if (opts.fields) fields.set(opts.fields);
    const text = h('textarea', { rows: 3, maxlength: 10000, testid: 'entry-text-input' });
    if (opts.text) text.value = opts.text;
    text.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit(); }
    });
    const others = (team || []).filter((m) => m.user && m.user.id !== me);
    const toBoxes = others.map((m) => h('input', { type: 'checkbox', value: m.user.id, testid: `entry-to-${m.user.id}` }));
    const toSet = category === 'message' ? h('fieldset', { class: 'pt-fieldset', testid: 'entry-to' },
      h('legend', {}, t('pt.to')),
      others.length ? h('div', { class: 'inline-checks' }, ...others.map((m, i) => h('label', { class: 'check pt-check' }, toBoxes[i],
        ` ${m.user.name} (${roleLabel(m.role)})`))) : h('p', { class: 'muted small' }, t('pt.to.none'))) : null;
    const files = h('input', { type: 'file', multiple: true, accept: ATTACHMENT_TYPES, testid: 'entry-files' });
    const tplSel = h('select', { testid: 'entry-template' }, h('option', { value: '' }, t('pt.tpl.none')),
      ...templates.filter((x) => x.category === category).map((x) => h('option', { value: String(x.id) },
        `${x.name}${x.shared ? ` (${t('pt.tpl.shared')})` : ''}`)));
    const tplDelete = h('button', { type: 'button', class: 'secondary small-btn', testid: 'tpl-delete', hidden: true }, t('pt.tpl.delete'));
    tplDelete.addEventListener('click', () => busy(tplDelete, async () => {
      const id = tplSel.value;
      if (!id || !window.confirm(t('pt.tpl.deleteConfirm'))) return;
      showError(err, null);
      try {
        await api('DELETE', `/entry-templates/${enc(id)}`);
        templates = templates.filter((x) => String(x.id) !== id);
        tplSel.querySelector(`option[value="${CSS.escape(id)}"]`).remove();
        tplSel.value = '';
        tplDelete.hidden = true;
      } catch (e) {
        showError(err, e);
      }
    }));
    tplSel.addEventListener('change', () => {
      const tpl = templates.find((x) => String(x.id) === tplSel.value);
      tplDelete.hidden = !tpl;
      if (!tpl) return;
      fields.set(tpl.fields || {});
      if (tpl.text) text.value = tpl.text;
    });
    const err = errorLine('entry-error');
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'entry-submit' }, t('pt.entry.submit'));
    const cancel = h('button', { type: 'button', class: 'secondary', testid: 'entry-cancel', onclick: close }, t('common.cancel'));
    const tplName = h('input', { type: 'text', maxlength: 100, testid: 'tpl-name', autocomplete: 'off' });
    const tplShared = h('input', { type: 'checkbox', testid: 'tpl-shared' });
    const tplErr = errorLine('tpl-error');
    const tplOk = h('p', { class: 'muted small', role: 'status', testid: 'tpl-saved', hidden: true }, t('pt.tpl.saved'));
    const tplSave = h('button', { type: 'button', class: 'secondary small-btn', testid: 'tpl-save' }, t('pt.tpl.save'));
    tplSave.addEventListener('click', () => busy(tplSave, async () => {
      showError(tplErr, null);
      tplOk.hidden = true;
      try {
        const data = await api('POST', '/entry-templates', {
          name: tplName.value.trim(), category, fields: fields.values(), text: text.value, shared: tplShared.checked,
        });
        templates.push(data.template);
        tplSel.append(h('option', { value: String(data.template.id) },
          `${data.template.name}${data.template.shared ? ` (${t('pt.tpl.shared')})` : ''}`));
        form.querySelector('[data-testid="entry-templates"]').hidden = false;
        tplOk.hidden = false;
      } catch (e) {
        showError(tplErr, e);
      }
    }));
    const form = h('form', { class: 'pt-form', testid: 'entry-form', dataset: { category }, novalidate: true },
      h('h3', { class: 'sub-title' }, categoryLabel(category)),
      state.corrects ? h('p', { class: 'notice', testid: 'entry-correcting' }, t('pt.entry.correcting')) : null,
      h('div', { class: 'pt-row', hidden: !templates.some((x) => x.category === category), testid: 'entry-templates' },
        inlineField(t('pt.tpl.use'), tplSel), tplDelete),
      fields.el,
      inlineField(t(category === 'visit_note' || category === 'message' ? 'pt.entry.textRequired' : 'pt.entry.text'), text, 'pt-wide'),
      toSet,
      inlineField(t('pt.entry.files'), files),
      err,
      h('div', { class: 'row-actions' }, submit, cancel),
      h('details', { class: 'pt-tpl-save' }, h('summary', {}, t('pt.tpl.saveTitle')),
        h('div', { class: 'pt-row' }, inlineField(t('pt.tpl.name'), tplName),
          h('label', { class: 'check pt-check' }, tplShared, ` ${t('pt.tpl.shared')}`), tplSave), tplErr, tplOk));
    form.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); close(); } });
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(submit, async () => {
        showError(err, null);
        err.dataset.field = '';
        if (fields.mark) fields.mark(null);
        try {
          const ids = [];
          for (const f of files.files) {
            const up = await api('POST', `/patients/${enc(patient.id)}/attachments?${new URLSearchParams({ filename: f.name })}`,
              f, { contentType: f.type || 'application/octet-stream' });
            ids.push(up.attachment.id);
          }
          const req = { category, fields: fields.values() };
          if (text.value.trim()) req.text = text.value.trim();
          if (category === 'message') req.addressed_to = toBoxes.filter((b) => b.checked).map((b) => b.value);
          if (state.corrects) req.corrects = state.corrects;
          if (ids.length) req.attachments = ids;
          const data = await api('POST', `/patients/${enc(patient.id)}/entries`, req);
          announce(t('pt.entry.saved'));
          close();
          onSaved(data.entry);
          catBar.querySelector('[data-testid="vitals-quick"]').focus();
        } catch (e) {
          showError(err, e);
          if (e instanceof ApiError && e.code === 'invalid_vitals') {
            const m = /^([a-z0-9_]+)/.exec(e.message || '');
            if (m) {
              err.dataset.field = m[1];
              if (fields.mark) fields.mark(m[1]);
              const bad = form.querySelector(`[data-testid="vital-${m[1]}"]`);
              if (bad) bad.focus();
            }
          }
        }
      });
    });
    body.replaceChildren(form);
    body.hidden = false;
    (fields.first || text).focus();
  }

  // Shortcuts on the page (not while typing): v one-tap vitals, n visit note, m message.
  const keys = (ev) => {
    if (!ctx.alive || !box.isConnected) { document.removeEventListener('keydown', keys); return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const tag = (ev.target && ev.target.tagName) || '';
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || (ev.target && ev.target.isContentEditable)) return;
    const map = { v: ['vitals', { quick: true }], n: ['visit_note', {}], m: ['message', {}] };
    const hit = map[ev.key];
    if (!hit) return;
    ev.preventDefault();
    open(hit[0], hit[1]);
  };
  document.addEventListener('keydown', keys);

  return {
    el: box,
    open,
    close,
    correct: (e) => {
      open(e.category, { fields: e.fields, text: e.text, corrects: e.id });
      box.scrollIntoView({ block: 'start' });
    },
  };
}
