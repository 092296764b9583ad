// Round entry (#/rounds): a doctor on a round picks several of their
// patients, fills one row per patient (a category: vitals or a note, with
// its fields or text) and sends them all in one request. The round is one
// transaction: any refusal refuses it all, and the API names the row by
// "index", so the error shows next to that row; nothing was written.

import { h, enc, busy, errorLine, announce } from './dom.js';
import { t } from './i18n.js';
import { api, ApiError, API, session } from './api.js';
import { patientFrame, categoryLabel, vitalLabel, inlineField, showError, ptError } from './patients.js';

const ROUND_CATEGORIES = ['vitals', 'visit_note'];
const ROUND_VITALS = ['systolic', 'diastolic', 'pulse', 'temperature', 'spo2'];
const MAX_ROWS = 50;

function numberInput(testid) {
  const el = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', testid, class: 'pt-num' });
  el.addEventListener('focus', () => el.select());
  return el;
}

/** One row of the round: {el, value(), error(e|null)}. */
function roundRow(p) {
  const cat = h('select', { testid: 'round-category' }, ...ROUND_CATEGORIES.map((c) => h('option', { value: c }, categoryLabel(c))));
  const vit = ROUND_VITALS.map((k) => numberInput(`round-vital-${k}`));
  const vitBox = h('div', { class: 'pt-row pt-vitals' }, ...ROUND_VITALS.map((k, i) => inlineField(vitalLabel(k), vit[i], 'pt-vital')));
  const text = h('input', { type: 'text', maxlength: 10000, testid: 'round-text', autocomplete: 'off' });
  const err = errorLine('round-row-error');
  const el = h('li', { class: 'card pt-round-row', testid: 'round-row', dataset: { patientId: String(p.id) } },
    h('div', { class: 'pt-row' },
      h('span', { class: 'strong pt-round-name' }, p.name || ''),
      inlineField(t('pt.round.category'), cat)),
    vitBox,
    inlineField(t('pt.entry.text'), text, 'pt-wide'),
    err);
  cat.addEventListener('change', () => { vitBox.hidden = cat.value !== 'vitals'; });
  return {
    el,
    value: () => {
      const e = { patient_id: p.id, category: cat.value };
      if (cat.value === 'vitals') {
        const f = {};
        ROUND_VITALS.forEach((k, i) => {
          const s = vit[i].value.trim();
          if (!s) return;
          const n = Number(s);
          f[k] = Number.isFinite(n) ? n : s;
        });
        e.fields = f;
      }
      if (text.value.trim()) e.text = text.value.trim();
      return e;
    },
    error: (e) => {
      showError(err, e);
      el.dataset.error = e ? (e.code || 'error') : '';
    },
  };
}

/** #/rounds */
export async function renderRounds(root, route, ctx) {
  const picks = h('div', { class: 'pt-round-picks', testid: 'round-patients', dataset: { state: 'loading' } });
  const rowsBox = h('ol', { class: 'pt-round-rows', testid: 'round-rows' });
  const err = errorLine('round-error');
  const done = h('div', { testid: 'round-done', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'round-submit', disabled: true }, t('pt.round.submit'));
  const rows = new Map(); // patient id -> row
  const form = h('form', { class: 'pt-form', testid: 'round-form', novalidate: true },
    h('h2', { class: 'section-title' }, t('pt.round.title')),
    h('p', { class: 'muted small' }, t('pt.round.lead')),
    h('fieldset', { class: 'pt-fieldset' }, h('legend', {}, t('pt.round.pick')), picks),
    rowsBox, err,
    h('div', { class: 'row-actions' }, submit));
  root.replaceChildren(patientFrame('rounds', 'rounds-page', h('section', { class: 'card page-section' }, form, done)));

  function syncRows(boxes, patients) {
    for (const b of boxes) {
      const p = patients.find((x) => String(x.id) === b.value);
      if (b.checked && !rows.has(b.value)) {
        const r = roundRow(p);
        rows.set(b.value, r);
      } else if (!b.checked && rows.has(b.value)) {
        rows.delete(b.value);
      }
    }
    // rows in the order of the list
    rowsBox.replaceChildren(...boxes.filter((b) => rows.has(b.value)).map((b) => rows.get(b.value).el));
    submit.disabled = rows.size === 0;
  }

  try {
    const data = await api('GET', '/patients');
    if (!ctx.alive) return;
    const patients = ((data && data.patients) || []).filter((p) => p.my_role && p.my_role !== 'break_glass');
    const boxes = patients.map((p) => h('input', { type: 'checkbox', value: String(p.id), testid: 'round-pick' }));
    boxes.forEach((b) => b.addEventListener('change', () => {
      if (rows.size >= MAX_ROWS && b.checked) { b.checked = false; err.textContent = t('pt.round.tooMany', { n: MAX_ROWS }); return; }
      syncRows(boxes, patients);
    }));
    picks.replaceChildren(...(patients.length ? patients.map((p, i) => h('label', { class: 'check pt-check', dataset: { patientId: String(p.id) } },
      boxes[i], ` ${p.name}`)) : [h('p', { class: 'muted' }, t('pt.none'))]));
    picks.dataset.state = 'loaded';
  } catch (e) {
    if (!ctx.alive) return;
    picks.dataset.state = 'error';
    picks.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, ptError(e, 'pt.loadFailed')));
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      const list = [...rows.values()];
      showError(err, null);
      for (const r of list) r.error(null);
      done.hidden = true;
      try {
        const data = await postRound({ entries: list.map((r) => r.value()) });
        const es = (data && data.entries) || [];
        announce(t('pt.round.saved', { n: es.length }));
        done.replaceChildren(h('p', { class: 'notice', role: 'status' }, t('pt.round.saved', { n: es.length })),
          h('ul', {}, ...es.map((e) => {
            const r = rowsBox.querySelector(`[data-patient-id="${CSS.escape(String(e.patient_id))}"] .pt-round-name`);
            return h('li', { testid: 'round-saved', dataset: { id: String(e.id), patientId: String(e.patient_id) } },
              h('a', { href: `#/patients/${enc(e.patient_id)}/entries/${enc(e.id)}` },
                `${r ? r.textContent : ''} — ${categoryLabel(e.category)}`));
          })));
        done.dataset.count = String(es.length);
        done.hidden = false;
        for (const b of picks.querySelectorAll('input[type="checkbox"]')) b.checked = false;
        rows.clear();
        rowsBox.replaceChildren();
        submit.disabled = true;
      } catch (e) {
        const idx = e instanceof ApiError && e.status >= 400 && e.status < 500 ? indexOf(e) : null;
        if (idx != null && list[idx]) {
          list[idx].error(e);
          err.textContent = t('pt.round.refused', { n: idx + 1 });
          err.dataset.code = e.code;
        } else {
          showError(err, e);
        }
      }
    });
  });
}

function indexOf(e) {
  return Number.isInteger(e.index) ? e.index : null;
}

/**
 * POST /rounds. The refusal's "index" names the row, which ApiError does
 * not keep, so this call reads the error object itself; a 401 or 403 goes
 * through api() for the session's handling.
 */
async function postRound(body) {
  let res;
  try {
    res = await fetch(`${API}/rounds`, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf || '' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (res.ok) return data;
  const e = (data && data.error) || {};
  // the session's own refusals (ended, CSRF token, enrolment) are api()'s to handle: nothing was written
  if (res.status === 401 || res.status === 403) return api('POST', '/rounds', body);
  const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || res.statusText || '');
  if (Number.isInteger(e.index)) err.index = e.index;
  throw err;
}
