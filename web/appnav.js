// The list of apps on the right of the home page (below the spaces):
// the apps the person may read, built-ins first; a click opens the app;
// then the facility directory, the patient files and the vacancy pages.

import { $, h, setMessage } from './dom.js';
import { t } from './i18n.js';
import { errorText, session } from './api.js';
import { getApps, appHref } from './apps.js';
import { mayReadVacancies } from './vacancy.js';
import { unreadBadge } from './feedcounts.js';

export async function loadAppNav() {
  const list = $('apps');
  list.dataset.state = 'loading';
  try {
    const apps = await getApps(true);
    if (!session.user) return;
    list.replaceChildren(...apps.map((a) => h('li', {},
      h('a', {
        class: 'nav-item app-item',
        href: appHref(a),
        testid: 'app-item',
        dataset: { id: String(a.id), key: a.key || '' },
        title: a.description || null,
      }, h('span', { class: 'nav-name' }, a.name || ''),
      a.record_count != null ? h('span', { class: 'muted small' }, t('apps.count', { n: a.record_count })) : null,
      unreadBadge('app', a.id)))));
    list.append(h('li', {}, h('a', { class: 'nav-item app-item', href: '#/facilities', testid: 'directory-link' },
      h('span', { class: 'nav-name' }, t('facilities.directory')))));
    list.append(h('li', {}, h('a', { class: 'nav-item app-item', href: '#/patients', testid: 'patients-link' },
      h('span', { class: 'nav-name' }, t('pt.title')))));
    if (mayReadVacancies(session.user)) {
      list.append(h('li', {}, h('a', { class: 'nav-item app-item', href: '#/vacancy', testid: 'vacancy-link' },
        h('span', { class: 'nav-name' }, t('vacancy.title')))));
    }
    list.dataset.state = 'loaded';
    setMessage($('apps-message'), apps.length ? '' : t('apps.none'));
  } catch (e) {
    if (!session.user) return;
    list.dataset.state = 'error';
    setMessage($('apps-message'), errorText(e, 'apps.loadFailed'));
  }
}

export function clearAppNav() {
  $('apps').replaceChildren();
  $('apps').dataset.state = '';
  setMessage($('apps-message'), t('common.loading'));
}
