// A composer for posts, comments and edits: the text, the @mention picker
// and (for new posts and comments) attachments uploaded one by one with
// progress. The API's errors are shown in words (closed thread, archived
// space, too long, refused file, mention outside the space).

import { h, busy } from './dom.js';
import { t } from './i18n.js';
import { errorText, ApiError } from './api.js';
import { mentionPicker } from './mention.js';
import { uploadAttachment } from './upload.js';
import { sizeText } from './richtext.js';

let nextId = 0;

/**
 * opts: {spaceId, prefix ('post', 'comment', 'edit'), label, submitLabel,
 * initial: {body, mentions}, attachments: bool, rows, onSubmit(payload) →
 * promise, onCancel}. Returns {el, disable(note|null), focus(), clear()}.
 */
export function composer(opts) {
  const prefix = opts.prefix;
  const uid = `${prefix}-composer-${++nextId}`;
  const ta = h('textarea', {
    id: `${uid}-body`, rows: String(opts.rows || 3), testid: `${prefix}-body`, 'aria-describedby': `${uid}-hint`,
  });
  ta.value = (opts.initial && opts.initial.body) || '';
  const wrap = h('div', { class: 'composer-input' }, ta);
  const picker = mentionPicker(ta, wrap, opts.spaceId);
  if (opts.initial && opts.initial.mentions) picker.preset(opts.initial.mentions);

  const err = h('p', { class: 'form-error', role: 'alert', testid: `${prefix}-error` });
  const note = h('p', { class: 'muted small closed-note', testid: `${prefix}-disabled`, hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', testid: `${prefix}-submit` }, opts.submitLabel);
  const cancel = opts.onCancel
    ? h('button', { type: 'button', class: 'secondary', testid: `${prefix}-cancel`, onclick: opts.onCancel }, t('common.cancel'))
    : null;

  // attachments: [{file, state, attachment, chip}]
  const files = [];
  const chips = h('ul', { class: 'attachment-chips', testid: `${prefix}-attachments` });
  let fileInput = null;
  if (opts.attachments) {
    fileInput = h('input', {
      type: 'file', multiple: true, id: `${uid}-file`, class: 'visually-hidden', testid: `${prefix}-attach`,
      accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf',
    });
    fileInput.addEventListener('change', () => {
      for (const f of fileInput.files) addFile(f);
      fileInput.value = '';
    });
  }

  function addFile(file) {
    const bar = h('progress', { max: '1', value: '0', class: 'upload-progress' });
    const status = h('span', { class: 'small chip-status', role: 'status' }, t('attach.uploading'));
    const item = { file, state: 'uploading', attachment: null };
    const remove = h('button', {
      type: 'button', class: 'link-button small', testid: 'attachment-remove',
      'aria-label': t('attach.remove', { name: file.name }),
      onclick: () => { files.splice(files.indexOf(item), 1); chip.remove(); },
    }, t('attach.removeShort'));
    const chip = h('li', { class: 'attachment-chip', testid: 'attachment-chip', dataset: { state: 'uploading' } },
      h('span', { class: 'chip-name' }, file.name), h('span', { class: 'muted small' }, sizeText(file.size)), bar, status, remove);
    item.chip = chip;
    files.push(item);
    chips.append(chip);
    uploadAttachment(file, (f) => { bar.value = f; }).then((a) => {
      item.state = 'done';
      item.attachment = a;
      chip.dataset.state = 'done';
      bar.value = 1;
      bar.hidden = true;
      status.textContent = t('attach.ready');
    }, (e) => {
      item.state = 'error';
      chip.dataset.state = 'error';
      chip.classList.add('chip-error');
      bar.hidden = true;
      status.textContent = errorText(e, 'attach.failed');
    });
  }

  const form = h('form', { class: `composer composer-${prefix}`, novalidate: true },
    opts.label ? h('label', { for: ta.id }, opts.label) : null,
    wrap,
    h('p', { id: `${uid}-hint`, class: 'muted small' }, t('composer.hint')),
    opts.attachments ? h('div', { class: 'attach-row' },
      h('label', { for: fileInput.id, class: 'attach-label secondary' }, t('attach.add')), fileInput,
      h('span', { class: 'muted small' }, t('attach.types'))) : null,
    opts.attachments ? chips : null,
    err,
    h('div', { class: 'composer-actions' }, submit, cancel),
  );

  ta.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      err.textContent = '';
      delete err.dataset.code;
      if (!ta.value.trim()) {
        err.textContent = t('posts.bodyRequired');
        ta.focus();
        return;
      }
      if (files.some((f) => f.state === 'uploading')) { err.textContent = t('attach.wait'); return; }
      if (files.some((f) => f.state === 'error')) { err.textContent = t('attach.removeFailed'); return; }
      const payload = { body: ta.value, mentions: picker.mentions() };
      if (opts.attachments) payload.attachments = files.map((f) => f.attachment.id);
      ta.readOnly = true;
      ta.setAttribute('aria-busy', 'true');
      try {
        await opts.onSubmit(payload);
      } catch (e) {
        err.textContent = errorText(e, opts.failKey || 'posts.postFailed');
        if (e instanceof ApiError) err.dataset.code = e.code;
      } finally {
        ta.readOnly = false;
        ta.removeAttribute('aria-busy');
      }
    });
  });

  const controls = [ta, submit, fileInput].filter(Boolean);
  return {
    el: h('div', { class: 'composer-box' }, note, form),
    /** Disable with a note saying why (null: enable). */
    disable(reason) {
      note.textContent = reason || '';
      note.hidden = !reason;
      form.hidden = !!reason;
      for (const c of controls) c.disabled = !!reason;
    },
    focus() { ta.focus(); },
    clear() {
      ta.value = '';
      picker.reset();
      files.length = 0;
      chips.replaceChildren();
      err.textContent = '';
    },
    textarea: ta,
  };
}
