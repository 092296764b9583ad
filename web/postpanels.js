// Panels under a post: who has and has not confirmed it (確認状況), the
// edit history of a post or comment, and the question before deleting.

import { h, enc, timeEl } from './dom.js';
import { t } from './i18n.js';
import { api, errorText } from './api.js';
import { personLink } from './people.js';

function personRow(person, testid, at) {
  const org = (person && person.organisation) || {};
  return h('li', { class: 'person-row', testid, dataset: { userId: String(person.id ?? '') } },
    personLink(person), org.name ? h('span', { class: 'muted small' }, org.name) : null,
    at ? timeEl(at) : null);
}

/** 確認状況: GET /posts/{id}/confirmations as two lists. */
export function confirmationsPanel(postId) {
  const panel = h('section', { class: 'post-panel', testid: 'confirmations', dataset: { state: 'loading' } },
    h('p', { class: 'muted small' }, t('common.loading')));
  (async () => {
    try {
      const data = await api('GET', `/posts/${enc(postId)}/confirmations`);
      const confirmed = data.confirmed || [];
      const pending = data.pending || [];
      panel.replaceChildren(
        h('h4', { class: 'panel-title' }, t('confirm.confirmedTitle', { n: confirmed.length })),
        confirmed.length
          ? h('ul', { class: 'people-rows', testid: 'confirmed-list' }, confirmed.map((c) => personRow(c.user || {}, 'confirmed-person', c.at)))
          : h('p', { class: 'muted small' }, t('confirm.noneYet')),
        h('h4', { class: 'panel-title' }, t('confirm.pendingTitle', { n: pending.length })),
        pending.length
          ? h('ul', { class: 'people-rows', testid: 'pending-list' }, pending.map((p) => personRow(p, 'pending-person')))
          : h('p', { class: 'muted small' }, t('confirm.allDone')));
      panel.dataset.state = 'loaded';
    } catch (e) {
      panel.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, errorText(e, 'confirm.loadFailed')));
      panel.dataset.state = 'error';
    }
  })();
  return panel;
}

/** Edit history: every revision, oldest first, the current text last. */
export function historyPanel(postId) {
  const panel = h('section', { class: 'post-panel', testid: 'post-history', dataset: { state: 'loading' } },
    h('p', { class: 'muted small' }, t('common.loading')));
  (async () => {
    try {
      const data = await api('GET', `/posts/${enc(postId)}/history`);
      const revs = data.revisions || [];
      panel.replaceChildren(h('h4', { class: 'panel-title' }, t('history.title')),
        h('ol', { class: 'history-list' }, revs.map((r, i) => h('li', { class: 'history-item', testid: 'history-item' },
          h('div', { class: 'small muted' },
            i === revs.length - 1 ? t('history.current') : t('history.revision', { n: i + 1 }), ' ・ ',
            (r.editor && r.editor.name) || '', ' ・ ', timeEl(r.created_at)),
          h('div', { class: 'post-text' }, r.body || '')))));
      panel.dataset.state = 'loaded';
    } catch (e) {
      panel.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, errorText(e, 'history.loadFailed')));
      panel.dataset.state = 'error';
    }
  })();
  return panel;
}

/** "Delete this?" with confirm and cancel; onYes() → promise. */
export function deletePanel(question, onYes, onNo) {
  const err = h('p', { class: 'form-error', role: 'alert', testid: 'delete-error' });
  const yes = h('button', { type: 'button', class: 'danger small-btn', testid: 'delete-confirm' }, t('post.deleteYes'));
  const no = h('button', { type: 'button', class: 'secondary small-btn', testid: 'delete-cancel', onclick: onNo }, t('common.cancel'));
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    err.textContent = '';
    try {
      await onYes();
    } catch (e) {
      err.textContent = errorText(e, 'post.deleteFailed');
      yes.disabled = false;
    }
  });
  const box = h('div', { class: 'post-panel delete-box', role: 'alertdialog', 'aria-label': question, testid: 'delete-dialog' },
    h('p', { class: 'strong' }, question), h('div', { class: 'row-actions' }, yes, no), err);
  setTimeout(() => no.focus(), 0);
  return box;
}
