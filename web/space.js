// A space: in the left pane its threads (compact, for moving between
// threads); on the space's own page (#/spaces/<id>) its name, description,
// who may see it, and its threads in order with closed marked, post counts
// and the last post's time, its mute toggle and "mark this space read",
// plus the space admins' tools.

import { $, h, setMessage, enc, timeEl, announce } from './dom.js';
import { t, professionLabel } from './i18n.js';
import { errorText, session, ApiError } from './api.js';
import { getOrganisations } from './orgs.js';
import { getSpace, isRestricted } from './workspace.js';
import { spaceAdminSection, threadAdminControls } from './spacetools.js';
import { muteToggle } from './prefs.js';
import { markSpaceRead } from './feed.js';

const narrow = window.matchMedia('(max-width: 960px)');
const st = { spaceId: null, threadId: null };

function byPosition(threads) {
  return [...(threads || [])].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
}

/** "who may see it" in words; organisation names from the tenant's list. */
export async function visibilityText(space) {
  if (!isRestricted(space)) return t('space.visibleAll');
  const v = space.visibility || {};
  const orgs = await getOrganisations().catch(() => []);
  const names = new Map(orgs.map((o) => [String(o.id), o.name]));
  const parts = [];
  if ((v.professions || []).length) parts.push(t('space.visibleProfessions', { list: v.professions.map(professionLabel).join('、') }));
  if ((v.organisations || []).length) parts.push(t('space.visibleOrgs', { list: v.organisations.map((id) => names.get(String(id)) || id).join('、') }));
  return parts.join(' ／ ');
}

export function markThread(threadId) {
  st.threadId = threadId;
  for (const a of $('threads').querySelectorAll('a')) {
    if (threadId != null && a.dataset.id === String(threadId)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function paintPane(data) {
  const list = $('threads');
  $('space-name').textContent = data.space?.name || '';
  $('space-desc').textContent = data.space?.description || '';
  const threads = byPosition(data.threads);
  list.replaceChildren(...threads.map((th) => h('li', {},
    h('a', {
      class: 'nav-item thread-item' + (th.closed ? ' closed' : ''),
      href: `#/threads/${enc(th.id)}`,
      testid: 'thread-item',
      dataset: { id: String(th.id) },
    },
    h('span', { class: 'nav-name' }, th.title || ''),
    th.closed ? h('span', { class: 'tag' }, t('threads.closedTag')) : null))));
  setMessage($('threads-message'), threads.length ? '' : t('threads.empty'));
  markThread(st.threadId);
}

function threadRow(th, i, threads, space, reload) {
  return h('li', {
    class: 'space-thread' + (th.closed ? ' closed' : ''), testid: 'space-thread-row', dataset: { id: String(th.id), closed: String(!!th.closed) },
  },
  h('div', { class: 'space-thread-main' },
    h('a', { href: `#/threads/${enc(th.id)}`, class: 'space-thread-title', testid: 'space-thread-link' }, th.title || ''),
    th.closed ? h('span', { class: 'tag', testid: 'thread-closed-mark' }, t('threads.closedTag')) : null,
    h('span', { class: 'muted small', testid: 'thread-post-count' }, t('space.postCount', { n: th.post_count ?? 0 })),
    h('span', { class: 'muted small' }, th.last_post_at ? [t('space.lastPost'), ' ', timeEl(th.last_post_at)] : t('space.noPosts'))),
  space.can_admin && !space.archived ? threadAdminControls(th, i, threads, space, reload) : null);
}

/** Mute toggle and "mark this space read". */
function spaceFeedActions(space) {
  const bar = muteToggle('space', space.id);
  const read = h('button', { type: 'button', class: 'secondary small-btn', testid: 'space-mark-read' }, t('feed.spaceRead'));
  read.addEventListener('click', async () => {
    read.disabled = true;
    try {
      if (await markSpaceRead(space.id)) announce(t('feed.spaceReadDone'));
    } finally {
      read.disabled = false;
    }
  });
  bar.prepend(read);
  return bar;
}

async function paintView(data, reload) {
  const view = $('space-view');
  const space = data.space || {};
  const threads = byPosition(data.threads);
  const vis = h('p', { class: 'small space-visibility', testid: 'space-visibility' }, '');
  const threadList = threads.length
    ? h('ol', { class: 'space-threads', testid: 'space-threads' }, threads.map((th, i) => threadRow(th, i, threads, space, reload)))
    : h('p', { class: 'muted' }, t('threads.empty'));
  const manage = space.can_admin && !space.archived && threads.length
    ? h('button', {
      type: 'button', class: 'secondary small-btn', testid: 'threads-manage', 'aria-pressed': 'false',
      onclick: (ev) => {
        const on = threadList.classList.toggle('managing');
        ev.currentTarget.setAttribute('aria-pressed', String(on));
      },
    }, t('spaceAdmin.manageThreads'))
    : null;
  view.replaceChildren(...[
    h('header', { class: 'space-head' },
      h('h2', { class: 'space-title', testid: 'space-title' }, space.name || ''),
      space.archived ? h('span', { class: 'tag', testid: 'space-archived' }, t('spaces.archivedTag')) : null),
    space.description ? h('p', { class: 'space-description', testid: 'space-description' }, space.description) : null,
    vis,
    spaceFeedActions(space),
    space.archived ? h('p', { class: 'notice small' }, t('space.archivedNote')) : null,
    h('div', { class: 'space-threads-head' }, h('h3', { class: 'sub-title' }, t('space.threads')), manage),
    threadList,
    space.can_admin ? spaceAdminSection(space, reload) : null,
  ].filter(Boolean));
  vis.textContent = `${t('space.visibility')}: ${await visibilityText(space)}`;
  view.dataset.state = 'loaded';
}

/**
 * Show the space's threads in the pane; withView also fills the space's
 * page. isCurrent() tells the answer is still wanted.
 */
export async function showSpace(spaceId, { withView, isCurrent, force = false }) {
  const list = $('threads');
  const view = $('space-view');
  $('space-pane').hidden = false;
  if (String(st.spaceId) !== String(spaceId)) {
    st.spaceId = spaceId;
    $('space-name').textContent = '';
    $('space-desc').textContent = '';
    list.replaceChildren();
    list.dataset.spaceId = '';
    setMessage($('threads-message'), t('common.loading'));
  }
  list.dataset.state = 'loading';
  if (withView) {
    view.hidden = false;
    view.dataset.spaceId = String(spaceId);
    view.dataset.state = 'loading';
    if (!view.children.length || view.dataset.shown !== String(spaceId)) view.replaceChildren(h('p', { class: 'muted pad' }, t('common.loading')));
  }
  const reload = async () => {
    const data = await showSpace(spaceId, { withView, isCurrent, force: true });
    return data;
  };
  try {
    const data = await getSpace(spaceId, force);
    if (!isCurrent()) return null;
    paintPane(data);
    list.dataset.spaceId = String(spaceId);
    list.dataset.state = 'loaded';
    if (withView) {
      view.dataset.shown = String(spaceId);
      await paintView(data, reload);
    }
    const current = list.querySelector('[aria-current="page"]');
    if (current && !narrow.matches) current.scrollIntoView({ block: 'nearest' });
    return data;
  } catch (e) {
    if (!isCurrent() || !session.user) return null;
    list.dataset.spaceId = String(spaceId);
    list.dataset.state = 'error';
    setMessage($('threads-message'), errorText(e, 'threads.loadFailed'));
    if (withView) {
      view.dataset.state = 'error';
      view.replaceChildren(h('p', {
        class: 'form-error', role: 'alert', testid: 'space-error',
        dataset: { code: e instanceof ApiError ? e.code : '', status: e instanceof ApiError ? String(e.status) : '' },
      }, e instanceof ApiError && e.status === 404 ? t('space.notFound') : errorText(e, 'threads.loadFailed')));
    }
    return null;
  }
}

/** The space is no longer shown. */
export function hideSpace() {
  st.spaceId = null;
  $('space-pane').hidden = true;
  $('threads').replaceChildren();
  $('threads').dataset.spaceId = '';
  hideSpaceView();
}

export function hideSpaceView() {
  const view = $('space-view');
  view.hidden = true;
  view.replaceChildren();
  view.dataset.shown = '';
  view.dataset.spaceId = '';
}

export function shownSpaceId() { return st.spaceId; }
