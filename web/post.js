// One post in a thread: author and organisation, time, 編集済み (opens the
// history), the text with links and mentions, attachments (images inline,
// PDFs as downloads), 確認しました for readers and 確認状況 for the author,
// edit and delete, and its comments with a comment box. A post shown is
// re-rendered in place when it changes, keeping open boxes.

import { h, enc, timeEl, announce } from './dom.js';
import { t } from './i18n.js';
import { api, errorText, session } from './api.js';
import { personLink } from './people.js';
import { richText, sizeText } from './richtext.js';
import { composer } from './composer.js';
import { confirmationsPanel, historyPanel, deletePanel } from './postpanels.js';

function attachmentsEl(list) {
  if (!list || !list.length) return null;
  return h('ul', { class: 'attachments' }, list.map((a) => {
    const url = typeof a.url === 'string' && a.url.startsWith('/api/v1/') ? a.url : `/api/v1/attachments/${enc(a.id)}`;
    if (/^image\//.test(a.content_type || '')) {
      return h('li', { class: 'attachment attachment-image' },
        h('a', { href: url, target: '_blank', rel: 'noopener', title: a.filename || '' },
          h('img', { src: url, alt: a.filename || '', loading: 'lazy', class: 'thumb', testid: 'attachment-image' })));
    }
    return h('li', { class: 'attachment attachment-file' },
      h('a', { href: url, download: a.filename || '', testid: 'attachment-link' },
        h('span', { 'aria-hidden': 'true' }, '📄 '), a.filename || '', ' ',
        h('span', { class: 'muted small' }, `(${sizeText(a.size)})`)));
  }));
}

function isMine(p) {
  return !!(session.user && p.author && String(p.author.id) === String(session.user.id));
}

/** Head, text and attachments of a post or comment. */
function contentEls(p, panels, kind) {
  const author = p.author || {};
  const org = author.organisation || {};
  const edited = p.edited_at && !p.deleted
    ? h('button', {
      type: 'button', class: 'link-button small edited', testid: 'post-edited', title: t('post.showHistory'),
      onclick: () => panels.toggle('history', () => historyPanel(p.id)),
    }, t('post.edited'))
    : null;
  return [
    h('header', { class: 'post-head' },
      personLink(author, 'post-author'),
      org.name ? h('span', { class: 'post-org' }, org.name) : null,
      timeEl(p.created_at), edited),
    p.deleted
      ? h('p', { class: 'post-deleted muted', testid: 'post-deleted' }, t(kind === 'comment' ? 'comment.deleted' : 'post.deleted'))
      : h('div', { class: 'post-text', testid: 'post-text' }, richText(p.body, p.mentions)),
    p.deleted ? null : attachmentsEl(p.attachments),
  ];
}

/** A switchable area of panels: one open at a time. */
function panelArea() {
  const el = h('div', { class: 'post-panels' });
  let open = null;
  return {
    el,
    toggle(name, make) {
      if (open === name) { el.replaceChildren(); open = null; return; }
      el.replaceChildren(make());
      open = name;
    },
    close() { el.replaceChildren(); open = null; },
    isOpen(name) { return open === name; },
  };
}

function editAndDelete(p, ctx, panels, onChange, kind) {
  const out = [];
  if (p.deleted) return out;
  if (p.can_edit && ctx.writable()) {
    out.push(h('button', {
      type: 'button', class: 'link-button small', testid: `${kind}-edit`,
      onclick: () => panels.toggle('edit', () => {
        const c = composer({
          spaceId: ctx.spaceId, prefix: 'edit', submitLabel: t('common.save'), rows: 4,
          initial: { body: p.body, mentions: p.mentions }, failKey: 'post.editFailed',
          onCancel: () => panels.close(),
          onSubmit: async ({ body, mentions }) => {
            const data = await api('PATCH', `/posts/${enc(p.id)}`, { body, mentions });
            panels.close();
            onChange(data.post || data.comment);
            announce(t('post.editedDone'));
          },
        });
        setTimeout(() => c.focus(), 0);
        return c.el;
      }),
    }, t('post.edit')));
  }
  if (p.can_delete) {
    out.push(h('button', {
      type: 'button', class: 'link-button small danger-link', testid: `${kind}-delete`,
      onclick: () => panels.toggle('delete', () => deletePanel(t(kind === 'comment' ? 'comment.deleteQuestion' : 'post.deleteQuestion'), async () => {
        await api('DELETE', `/posts/${enc(p.id)}`);
        panels.close();
        onChange({ ...p, deleted: true, body: '', attachments: [], mentions: { users: [], organisations: [] }, can_edit: false, can_delete: false });
        announce(t('post.deletedDone'));
      }, () => panels.close())),
    }, t('post.delete')));
  }
  return out;
}

// ---------------------------------------------------------------- comments

function renderComment(c, ctx, parent) {
  const li = h('li', { class: 'comment', id: `post-${c.id}`, testid: 'comment-item', dataset: { id: String(c.id) }, tabindex: '-1' });
  const panels = panelArea();
  const paint = (cur) => {
    li.replaceChildren(...contentEls(cur, panels, 'comment').filter(Boolean),
      h('div', { class: 'post-actions' }, ...editAndDelete(cur, ctx, panels, (next) => {
        const i = parent.comments.findIndex((x) => String(x.id) === String(next.id));
        if (i >= 0) parent.comments[i] = next;
        paint(next);
      }, 'comment')),
      panels.el);
    li.classList.toggle('deleted', !!cur.deleted);
  };
  paint(c);
  return li;
}

// ------------------------------------------------------------------- posts

function confirmEls(p, ctx, li, panels) {
  if (p.deleted || !p.confirmation) return [];
  const c = p.confirmation;
  const counts = t('confirm.count', { n: c.count ?? 0, of: c.audience ?? 0 });
  const out = [];
  if (!isMine(p)) {
    const btn = h('button', {
      type: 'button', class: 'confirm-btn' + (c.confirmed ? ' confirmed' : ''), testid: 'confirm-button',
      'aria-pressed': c.confirmed ? 'true' : 'false', dataset: { confirmed: String(!!c.confirmed) },
      disabled: c.confirmed ? true : null,
    }, c.confirmed ? `✓ ${t('confirm.done')}` : t('confirm.button'));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const data = await api('POST', `/posts/${enc(p.id)}/confirm`, {});
        updatePost(li, { ...li.post, confirmation: data.confirmation || { ...c, confirmed: true } }, ctx);
        announce(t('confirm.thanks'));
      } catch (e) {
        btn.disabled = false;
        btn.title = errorText(e, 'confirm.failed');
        announce(btn.title);
      }
    });
    out.push(btn);
  }
  out.push(h('span', { class: 'muted small confirm-count', testid: 'confirm-count' }, counts));
  if (isMine(p) || ctx.canAdmin()) {
    out.push(h('button', {
      type: 'button', class: 'link-button small', testid: 'confirmations-toggle',
      onclick: () => panels.toggle('confirmations', () => confirmationsPanel(p.id)),
    }, t('confirm.status')));
  }
  return out;
}

function paintPost(li, p, ctx) {
  li.post = p;
  li.classList.toggle('deleted', !!p.deleted);
  const { panels, commentsList, commentBox } = li.parts;
  const comments = (p.comments || []).map((c) => renderComment(c, ctx, p));
  commentsList.replaceChildren(...comments);
  commentsList.hidden = comments.length === 0;
  const commentToggle = ctx.writable() && !p.deleted
    ? h('button', {
      type: 'button', class: 'link-button small', testid: 'comment-open',
      onclick: () => {
        commentBox.hidden = !commentBox.hidden;
        if (!commentBox.hidden) li.parts.comment.focus();
      },
    }, t('comment.open'))
    : null;
  if (!commentToggle) commentBox.hidden = true;
  li.parts.article.replaceChildren(...contentEls(p, panels, 'post').filter(Boolean),
    h('div', { class: 'post-actions' }, ...confirmEls(p, ctx, li, panels), commentToggle,
      ...editAndDelete(p, ctx, panels, (next) => updatePost(li, { ...next, comments: next.comments || li.post.comments }, ctx), 'post')));
}

/** The element of a post (with its comments). ctx: {spaceId, writable(), canAdmin()}. */
export function renderPost(p, ctx) {
  const li = h('li', { class: 'post', id: `post-${p.id}`, testid: 'post-item', dataset: { id: String(p.id) }, tabindex: '-1' });
  const panels = panelArea();
  const commentsList = h('ol', { class: 'comments', testid: 'comments' });
  const comment = composer({
    spaceId: ctx.spaceId, prefix: 'comment', submitLabel: t('comment.submit'), rows: 2, attachments: true,
    label: t('comment.label'), failKey: 'comment.failed',
    onSubmit: async (payload) => {
      const data = await api('POST', `/posts/${enc(li.post.id)}/comments`, payload);
      comment.clear();
      const c = data.comment || data.post;
      if (c) {
        const cur = li.post;
        if (!(cur.comments || []).some((x) => String(x.id) === String(c.id))) {
          updatePost(li, { ...cur, comments: [...(cur.comments || []), c] }, ctx);
        }
      }
      announce(t('comment.posted'));
    },
  });
  const commentBox = h('div', { class: 'comment-box', hidden: true }, comment.el);
  const article = h('article', { class: 'post-main' });
  li.parts = { article, panels, commentsList, commentBox, comment };
  li.append(article, panels.el, commentsList, commentBox);
  paintPost(li, p, ctx);
  return li;
}

/** Show p in li when it differs from what li shows. */
export function updatePost(li, p, ctx) {
  if (JSON.stringify(li.post) === JSON.stringify(p)) return;
  paintPost(li, p, ctx);
}
