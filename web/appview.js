// The page of an app (#/apps/<id or key>): its name and description, the
// list view (apptable.js) or the calendar view (appcalendar.js, the
// default of the event calendar), the record form for writers
// (appform.js), CSV export links and the way to the import page; on the
// event calendar also the calendar subscriptions (calendarfeeds.js).

import { h, enc } from './dom.js';
import { t } from './i18n.js';
import { API, ApiError } from './api.js';
import { getApp, appHref, appError } from './apps.js';
import { recordTable } from './apptable.js';
import { recordCalendar } from './appcalendar.js';
import { recordForm } from './appform.js';
import { calendarFeedsSection } from './calendarfeeds.js';
import { renderImport } from './appimport.js';

function exportLinks(app) {
  const utf8 = h('a', { class: 'button-link secondary', testid: 'app-export-utf8', download: '' }, t('apps.exportUtf8'));
  const sjis = h('a', { class: 'button-link secondary', testid: 'app-export-sjis', download: '' }, t('apps.exportSjis'));
  const set = (params) => {
    for (const [a, encName] of [[utf8, 'utf-8'], [sjis, 'shift_jis']]) {
      const p = new URLSearchParams(params);
      p.set('encoding', encName);
      a.href = `${API}/apps/${enc(app.id)}/export.csv?${p}`;
    }
  };
  set(new URLSearchParams());
  return { els: [utf8, sjis], set };
}

function viewSwitch(app, view) {
  if (!app.calendar_field) return null;
  const link = (v, testid) => h('a', {
    href: appHref(app, `view=${v}`), class: 'tab', testid, 'aria-current': view === v ? 'page' : null,
  }, t(`apps.view.${v}`));
  return h('nav', { class: 'tabs', 'aria-label': t('apps.views') }, link('list', 'app-view-list'), link('calendar', 'app-view-calendar'));
}

/** #/apps/<id>[/import][?view=list|calendar&month=YYYY-MM] */
export async function renderAppPage(root, route, ctx) {
  root.replaceChildren(h('p', { class: 'muted', testid: 'app-page', dataset: { state: 'loading' } }, t('common.loading')));
  let app;
  try {
    app = await getApp(route.appId, true);
  } catch (e) {
    if (!ctx.alive) return;
    root.replaceChildren(h('p', { class: 'form-error', role: 'alert', testid: 'app-error' },
      e instanceof ApiError && e.status === 404 ? t('apps.notFound') : appError(e, 'apps.loadFailed')));
    return;
  }
  if (!ctx.alive) return;
  if (route.sub === 'import') { renderImport(root, app, ctx); return; }
  const params = route.params || new URLSearchParams();
  const view = app.calendar_field && (params.get('view') || (app.key === 'events' ? 'calendar' : 'list')) === 'calendar' ? 'calendar' : 'list';
  const formBox = h('div', { testid: 'record-form-box' });
  const newBtn = app.can_write ? h('button', { type: 'button', class: 'primary', testid: 'app-new-record' }, t('apps.newRecord')) : null;
  if (newBtn) {
    newBtn.addEventListener('click', () => {
      if (formBox.children.length) { formBox.replaceChildren(); return; }
      formBox.replaceChildren(recordForm(app, null, {
        onSaved: (rec) => { location.hash = `#/app-records/${enc(rec.id)}`; },
        onCancel: () => formBox.replaceChildren(),
      }));
      const first = formBox.querySelector('input, select, textarea');
      if (first) first.focus();
    });
  }
  const ex = exportLinks(app);
  const body = view === 'calendar'
    ? recordCalendar(app, ctx, params.get('month'), (month) => { location.hash = appHref(app, `view=calendar&month=${month}`); })
    : recordTable(app, ctx, (p) => ex.set(p));
  root.replaceChildren(h('div', { testid: 'app-page', dataset: { state: 'loaded', appId: String(app.id), appKey: app.key || '', view } },
    h('header', { class: 'app-head' },
      h('h1', { class: 'page-title', testid: 'app-title' }, app.name || ''),
      app.description ? h('p', { class: 'lead pre-wrap' }, app.description) : null),
    h('div', { class: 'app-actions' }, newBtn, viewSwitch(app, view),
      h('span', { class: 'app-csv' }, ...ex.els,
        app.can_write ? h('a', { href: appHref(app).replace(/\?.*$/, '') + '/import', class: 'button-link secondary', testid: 'app-import-link' }, t('apps.import')) : null)),
    formBox,
    body,
    app.key === 'events' && app.builtin ? calendarFeedsSection(ctx) : null));
}
