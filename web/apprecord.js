// The page of a record (#/app-records/<id>): its values with their labels
// (names of people, organisations and facilities; facilities link to the
// directory), who created and changed it, editing with the generated form,
// deleting (with a confirmation), its history and its comments; an event
// also shows its registration (appevent.js).

import { h, enc, errorLine, busy, setMessage, timeEl } from './dom.js';
import { t } from './i18n.js';
import { api, ApiError } from './api.js';
import { personLink } from './people.js';
import { getApp, appHref, valueEl, valueText, recordTitle, appError } from './apps.js';
import { recordForm } from './appform.js';
import { registrationSection } from './appevent.js';

function valuesList(app, record) {
  return h('dl', { class: 'record-values', testid: 'record-values' },
    (app.fields || []).map((f) => h('div', { class: 'card-row', testid: 'record-value', dataset: { key: f.key } },
      h('dt', {}, f.label || f.key), h('dd', { testid: `record-value-${f.key}` }, valueEl(f, record.values && record.values[f.key], record.display)))));
}

function historySection(app, record, ctx) {
  const list = h('ol', { class: 'history-list', testid: 'record-history', dataset: { state: 'loading' } });
  const labels = new Map((app.fields || []).map((f) => [f.key, f]));
  (async () => {
    try {
      const data = await api('GET', `/app-records/${enc(record.id)}/history`);
      if (!ctx.alive) return;
      list.replaceChildren(...(data.changes || []).map((c) => h('li', { class: 'history-item', testid: 'record-change', dataset: { action: c.action } },
        timeEl(c.at), ' ', h('strong', {}, (c.by && c.by.name) || ''), ' ', t(`apps.action.${c.action}`),
        c.action === 'updated' ? h('ul', { class: 'small' }, Object.entries(c.fields || {}).map(([key, ch]) => {
          const f = labels.get(key) || { key, label: key, type: 'text' };
          return h('li', {}, t('apps.changed', { label: f.label || key, from: valueText(f, ch && ch.from) || '—', to: valueText(f, ch && ch.to) || '—' }));
        })) : null)));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      list.replaceChildren(h('li', { class: 'form-error' }, appError(e, 'apps.loadFailed')));
    }
  })();
  return h('section', { class: 'card page-section' }, h('h2', { class: 'section-title' }, t('apps.history')), list);
}

function commentsSection(record, ctx) {
  const list = h('ul', { class: 'comments record-comments', testid: 'record-comments', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted small', role: 'status' });
  async function load() {
    try {
      const data = await api('GET', `/app-records/${enc(record.id)}/comments`);
      if (!ctx.alive) return;
      const comments = data.comments || [];
      list.replaceChildren(...comments.map((c) => h('li', { class: 'comment', testid: 'record-comment', dataset: { id: String(c.id) } },
        h('div', { class: 'small' }, personLink(c.author || {}), ' ',
          h('span', { class: 'muted' }, (c.author && c.author.organisation && c.author.organisation.name) || ''), ' ', timeEl(c.created_at)),
        h('p', { class: 'pre-wrap', testid: 'record-comment-body' }, c.body || ''))));
      setMessage(msg, comments.length ? '' : t('apps.noComments'));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      setMessage(msg, appError(e, 'apps.loadFailed'));
    }
  }
  const body = h('textarea', { rows: '2', maxlength: '2000', testid: 'record-comment-input', 'aria-label': t('apps.commentLabel') });
  const err = errorLine('record-comment-error');
  const submit = h('button', { type: 'submit', class: 'primary small-btn', testid: 'record-comment-submit' }, t('apps.comment'));
  const form = h('form', { class: 'comment-box', novalidate: true }, body, submit, err);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      err.textContent = '';
      if (!body.value.trim()) { err.textContent = t('apps.commentRequired'); return; }
      try {
        await api('POST', `/app-records/${enc(record.id)}/comments`, { body: body.value });
        body.value = '';
        await load();
      } catch (e) { err.textContent = appError(e, 'apps.saveFailed'); }
    });
  });
  load();
  return h('section', { class: 'card page-section' }, h('h2', { class: 'section-title' }, t('apps.comments')), msg, list, form);
}

function deleteControls(app, record) {
  const err = errorLine('record-delete-error');
  const box = h('div', { class: 'post-panel delete-box', hidden: true },
    h('p', {}, t('apps.deleteConfirm')),
    h('button', {
      type: 'button', class: 'danger', testid: 'record-delete-confirm',
      onclick: (ev) => busy(ev.currentTarget, async () => {
        try {
          await api('DELETE', `/app-records/${enc(record.id)}`);
          location.hash = appHref(app);
        } catch (e) { err.textContent = appError(e, 'apps.deleteFailed'); }
      }),
    }, t('apps.delete')),
    h('button', { type: 'button', class: 'secondary', onclick: () => { box.hidden = true; } }, t('apps.cancel')), err);
  const btn = h('button', { type: 'button', class: 'secondary danger', testid: 'record-delete', onclick: () => { box.hidden = !box.hidden; } }, t('apps.delete'));
  return { btn, box };
}

/** #/app-records/<id> */
export async function renderRecordPage(root, route, ctx) {
  root.replaceChildren(h('p', { class: 'muted', testid: 'record-page', dataset: { state: 'loading' } }, t('common.loading')));
  let record;
  let app;
  try {
    record = (await api('GET', `/app-records/${enc(route.recordId)}`)).record;
    app = await getApp(record.app_id);
  } catch (e) {
    if (!ctx.alive) return;
    root.replaceChildren(h('p', { class: 'form-error', role: 'alert', testid: 'record-error' },
      e instanceof ApiError && e.status === 404 ? t('apps.recordNotFound') : appError(e, 'apps.loadFailed')));
    return;
  }
  if (!ctx.alive) return;
  const editBox = h('div', {});
  const show = h('div', {}, valuesList(app, record));
  const edit = record.can_write ? h('button', {
    type: 'button', class: 'secondary', testid: 'record-edit',
    onclick: () => {
      if (editBox.children.length) { editBox.replaceChildren(); show.hidden = false; return; }
      show.hidden = true;
      editBox.replaceChildren(recordForm(app, record, {
        onSaved: () => renderRecordPage(root, route, ctx),
        onCancel: () => { editBox.replaceChildren(); show.hidden = false; },
      }));
    },
  }, t('apps.edit')) : null;
  const del = record.can_write ? deleteControls(app, record) : null;
  const owner = record.owner_organisation;
  root.replaceChildren(h('div', { testid: 'record-page', dataset: { state: 'loaded', id: String(record.id), appKey: app.key || '' } },
    h('nav', { class: 'page-links' }, h('a', { href: appHref(app), testid: 'record-app-link' }, t('apps.backTo', { name: app.name || '' }))),
    h('h1', { class: 'page-title', testid: 'record-title' }, recordTitle(app, record)),
    h('div', { class: 'page-grid record-grid' },
      h('div', {},
        h('section', { class: 'card page-section' },
          show, editBox,
          h('p', { class: 'muted small record-meta' },
            owner ? t('apps.owner', { name: owner.name || '' }) : '', ' ',
            t('apps.createdBy', { name: (record.created_by && record.created_by.name) || '' }), ' ', timeEl(record.created_at), ' ／ ',
            t('apps.updatedBy', { name: (record.updated_by && record.updated_by.name) || '' }), ' ', timeEl(record.updated_at)),
          h('div', { class: 'form-actions' }, edit, del && del.btn), del && del.box),
        app.key === 'events' && app.builtin ? registrationSection(record, ctx) : null),
      h('div', {}, commentsSection(record, ctx), historySection(app, record, ctx)))));
}
