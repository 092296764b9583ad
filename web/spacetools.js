// What a space admin does on the space's page: add a thread, rename,
// close/reopen and move threads up or down (PUT thread-order), rename and
// describe the space, archive or unarchive it.

import { h, enc, busy, errorLine, field } from './dom.js';
import { t } from './i18n.js';
import { api, errorText } from './api.js';
import { loadSpaces } from './spaces.js';

function failTo(err, key) {
  return (e) => { err.textContent = errorText(e, key); };
}

/** Controls on one thread's row; threads is the whole list in order. */
export function threadAdminControls(th, i, threads, space, reload) {
  const err = errorLine('thread-admin-error');
  const title = h('input', { type: 'text', value: th.title || '', testid: 'thread-rename', 'aria-label': t('spaceAdmin.threadTitle') });
  const save = h('button', { type: 'button', class: 'secondary small-btn', testid: 'thread-rename-save' }, t('spaceAdmin.rename'));
  save.addEventListener('click', () => busy(save, async () => {
    err.textContent = '';
    if (!title.value.trim()) { err.textContent = t('spaceAdmin.titleRequired'); return; }
    try {
      await api('PATCH', `/threads/${enc(th.id)}`, { title: title.value.trim() });
      await reload();
    } catch (e) { failTo(err, 'spaceAdmin.failed')(e); }
  }));
  const close = h('button', { type: 'button', class: 'secondary small-btn', testid: 'thread-close-toggle' },
    th.closed ? t('spaceAdmin.reopen') : t('spaceAdmin.close'));
  close.addEventListener('click', () => busy(close, async () => {
    err.textContent = '';
    try {
      await api('PATCH', `/threads/${enc(th.id)}`, { closed: !th.closed });
      await reload();
    } catch (e) { failTo(err, 'spaceAdmin.failed')(e); }
  }));
  const move = (delta) => async (ev) => {
    const btn = ev.currentTarget;
    await busy(btn, async () => {
      err.textContent = '';
      const ids = threads.map((x) => x.id);
      const j = i + delta;
      if (j < 0 || j >= ids.length) return;
      [ids[i], ids[j]] = [ids[j], ids[i]];
      try {
        await api('PUT', `/spaces/${enc(space.id)}/thread-order`, { thread_ids: ids });
        await reload();
      } catch (e) { failTo(err, 'spaceAdmin.failed')(e); }
    });
  };
  const up = h('button', {
    type: 'button', class: 'secondary small-btn', testid: 'thread-up', disabled: i === 0 ? true : null,
    'aria-label': t('spaceAdmin.up', { title: th.title || '' }), onclick: move(-1),
  }, '↑');
  const down = h('button', {
    type: 'button', class: 'secondary small-btn', testid: 'thread-down', disabled: i === threads.length - 1 ? true : null,
    'aria-label': t('spaceAdmin.down', { title: th.title || '' }), onclick: move(1),
  }, '↓');
  return h('div', { class: 'row-actions thread-admin' }, up, down, title, save, close, err);
}

/** The space admin's section under the thread list. */
export function spaceAdminSection(space, reload) {
  const parts = [];
  if (!space.archived) {
    const title = h('input', { type: 'text', required: true, testid: 'thread-new-title', maxlength: '200' });
    const err = errorLine('thread-new-error');
    const add = h('button', { type: 'submit', class: 'primary', testid: 'thread-create' }, t('spaceAdmin.addThread'));
    const form = h('form', { class: 'inline-form', novalidate: true },
      field('thread-new-title-field', t('spaceAdmin.newThread'), title), add, err);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(add, async () => {
        err.textContent = '';
        if (!title.value.trim()) { err.textContent = t('spaceAdmin.titleRequired'); title.focus(); return; }
        try {
          await api('POST', `/spaces/${enc(space.id)}/threads`, { title: title.value.trim() });
          form.reset();
          await reload();
        } catch (e) { failTo(err, 'spaceAdmin.failed')(e); }
      });
    });
    parts.push(form);

    const name = h('input', { type: 'text', value: space.name || '', testid: 'space-edit-name', maxlength: '200' });
    const desc = h('textarea', { rows: '2', testid: 'space-edit-desc' });
    desc.value = space.description || '';
    const err2 = errorLine('space-edit-error');
    const save = h('button', { type: 'submit', class: 'secondary', testid: 'space-edit-save' }, t('common.save'));
    const edit = h('form', { class: 'space-edit', novalidate: true },
      field('space-edit-name-field', t('spaceAdmin.name'), name),
      field('space-edit-desc-field', t('spaceAdmin.description'), desc), save, err2);
    edit.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(save, async () => {
        err2.textContent = '';
        try {
          await api('PATCH', `/spaces/${enc(space.id)}`, { name: name.value.trim(), description: desc.value });
          await reload();
          loadSpaces();
        } catch (e) { failTo(err2, 'spaceAdmin.failed')(e); }
      });
    });
    parts.push(edit);
  }
  const err3 = errorLine('space-archive-error');
  const archive = h('button', { type: 'button', class: space.archived ? 'secondary' : 'secondary danger', testid: 'space-archive' },
    space.archived ? t('spaceAdmin.unarchive') : t('spaceAdmin.archive'));
  archive.addEventListener('click', () => busy(archive, async () => {
    err3.textContent = '';
    try {
      await api('PATCH', `/spaces/${enc(space.id)}`, { archived: !space.archived });
      await reload();
      loadSpaces();
    } catch (e) { failTo(err3, 'spaceAdmin.failed')(e); }
  }));
  parts.push(h('div', { class: 'row-actions' }, archive, h('span', { class: 'muted small' }, t('spaceAdmin.archiveHint'))), err3);
  return h('section', { class: 'space-admin', testid: 'space-admin' }, h('h3', { class: 'sub-title' }, t('spaceAdmin.title')), ...parts);
}
