// The CSV import page of an app (#/apps/<id>/import), for its writers:
// choose a file and its encoding, 確認（ドライラン） checks every row and
// reports the invalid ones (line, field, reason) or 問題ありません; then
// 取り込む writes them all, or nothing when a row is invalid. Progress
// (processed of total rows) is shown while the records service works.

import { h, enc, errorLine, busy, field } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { appHref, appError } from './apps.js';

const POLL_MS = 500;

function reportTable(errors) {
  return h('table', { class: 'data-table', testid: 'import-report' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('import.line')), h('th', { scope: 'col' }, t('import.field')), h('th', { scope: 'col' }, t('import.reason')))),
    h('tbody', {}, errors.map((e) => h('tr', { testid: 'import-error-row', dataset: { line: String(e.line ?? '') } },
      h('td', {}, String(e.line ?? '')), h('td', {}, e.field || ''), h('td', {}, e.reason || '')))));
}

export function renderImport(root, app, ctx) {
  const file = h('input', { type: 'file', accept: '.csv,text/csv', testid: 'import-file' });
  const encoding = h('select', { testid: 'import-encoding' },
    h('option', { value: 'utf-8' }, t('import.utf8')), h('option', { value: 'shift_jis' }, t('import.sjis')));
  const dry = h('button', { type: 'button', class: 'secondary', testid: 'import-dry-run' }, t('import.dryRun'));
  const commit = h('button', { type: 'button', class: 'primary', testid: 'import-commit', disabled: true }, t('import.commit'));
  const err = errorLine('import-error');
  const bar = h('progress', { max: '1', value: '0', testid: 'import-bar' });
  const progressText = h('span', { class: 'muted small', testid: 'import-progress-text' });
  const progress = h('div', { class: 'import-progress', testid: 'import-progress', hidden: true }, bar, ' ', progressText);
  const result = h('div', { testid: 'import-result', role: 'status' });
  let checked = null; // the file and encoding of a clean dry run

  async function poll(id) {
    for (;;) {
      const imp = (await api('GET', `/imports/${enc(id)}`)).import;
      if (!ctx.alive) return null;
      const total = imp.total_rows || 0;
      bar.max = String(Math.max(total, 1));
      bar.value = String(imp.processed_rows || 0);
      progressText.textContent = t('import.progress', { n: imp.processed_rows || 0, total });
      progress.dataset.state = imp.state;
      if (imp.state !== 'running') return imp;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
  async function run(mode) {
    err.textContent = '';
    result.replaceChildren();
    result.dataset.state = 'running';
    const f = file.files && file.files[0];
    if (!f) { err.textContent = t('import.noFile'); result.dataset.state = ''; return; }
    progress.hidden = false;
    progressText.textContent = t('import.starting');
    bar.value = '0';
    try {
      const p = new URLSearchParams({ encoding: encoding.value, mode });
      const started = (await api('POST', `/apps/${enc(app.id)}/imports?${p}`, f, { contentType: 'text/csv' })).import;
      const imp = started.state === 'running' ? await poll(started.id) : started;
      if (!imp) return;
      const errors = imp.errors || [];
      result.dataset.state = imp.state;
      result.dataset.mode = mode;
      if (mode === 'dry_run') {
        if (errors.length) {
          result.replaceChildren(h('p', { class: 'form-error', testid: 'import-has-errors' }, t('import.hasErrors', { n: errors.length })), reportTable(errors));
          checked = null;
        } else {
          result.replaceChildren(h('p', { class: 'ok', testid: 'import-ok' }, t('import.ok', { n: imp.valid_rows ?? imp.total_rows ?? 0 })));
          checked = { f, enc: encoding.value };
        }
      } else if (imp.state === 'done') {
        result.replaceChildren(h('p', { class: 'ok', testid: 'import-done' }, t('import.done', { created: imp.created ?? 0, updated: imp.updated ?? 0 })),
          h('a', { href: appHref(app), testid: 'import-back' }, t('apps.backTo', { name: app.name || '' })));
        checked = null;
      } else {
        result.replaceChildren(h('p', { class: 'form-error', testid: 'import-failed' }, t('import.failed')), ...(errors.length ? [reportTable(errors)] : []));
        checked = null;
      }
    } catch (e) {
      result.dataset.state = 'error';
      progress.hidden = true;
      err.textContent = appError(e, 'import.startFailed');
      checked = null;
    }
    commit.disabled = !(checked && file.files[0] === checked.f && encoding.value === checked.enc);
  }
  const reset = () => { checked = null; commit.disabled = true; result.replaceChildren(); };
  file.addEventListener('change', reset);
  encoding.addEventListener('change', reset);
  dry.addEventListener('click', () => busy(dry, () => run('dry_run')));
  commit.addEventListener('click', () => busy(commit, () => run('commit')));
  root.replaceChildren(h('div', { testid: 'import-page', dataset: { appId: String(app.id) } },
    h('nav', { class: 'page-links' }, h('a', { href: appHref(app) }, t('apps.backTo', { name: app.name || '' }))),
    h('h1', { class: 'page-title' }, t('import.title', { name: app.name || '' })),
    h('section', { class: 'card page-section' },
      h('p', { class: 'muted small' }, t('import.lead')),
      field('import-file-field', t('import.file'), file),
      field('import-encoding-field', t('import.encoding'), encoding),
      h('div', { class: 'form-actions' }, dry, commit), err, progress, result)));
}
