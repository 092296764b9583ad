// The list of spaces on the right of the home page: the spaces the person
// may see, archived ones marked, each with its unread count; a click opens
// the space. The feed's filter hears of the list (event carelink:spaces).

import { $, h, setMessage, enc } from './dom.js';
import { t } from './i18n.js';
import { api, errorText, session } from './api.js';
import { unreadBadge } from './feedcounts.js';

let currentId = null;

export async function loadSpaces() {
  const list = $('spaces');
  list.dataset.state = 'loading';
  try {
    const data = await api('GET', '/spaces');
    if (!session.user) return;
    list.replaceChildren(...(data.spaces || []).map((s) => h('li', {},
      h('a', {
        class: 'nav-item space-item' + (s.archived ? ' archived' : ''),
        href: `#/spaces/${enc(s.id)}`,
        testid: 'space-item',
        dataset: { id: String(s.id), archived: String(!!s.archived) },
        title: s.description || null,
      }, h('span', { class: 'nav-name' }, s.name || ''),
      s.archived ? h('span', { class: 'tag', testid: 'space-archived-tag' }, t('spaces.archivedTag')) : null,
      unreadBadge('space', s.id)))));
    window.dispatchEvent(new CustomEvent('carelink:spaces', { detail: data.spaces || [] }));
    list.dataset.state = 'loaded';
    setMessage($('spaces-message'), list.children.length ? '' : t('spaces.empty'));
    markSpace(currentId);
  } catch (e) {
    if (!session.user) return;
    list.dataset.state = 'error';
    setMessage($('spaces-message'), errorText(e, 'spaces.loadFailed'));
  }
}

/** Mark the open space in the list. */
export function markSpace(id) {
  currentId = id;
  for (const a of $('spaces').querySelectorAll('a')) {
    if (id != null && a.dataset.id === String(id)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

export function clearSpaces() {
  currentId = null;
  $('spaces').replaceChildren();
  $('spaces').dataset.state = '';
  setMessage($('spaces-message'), t('common.loading'));
}
