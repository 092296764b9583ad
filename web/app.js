// carelink web UI: the page's entry. Session (login, enrolment, logout,
// session ended elsewhere), the header menu and the router between pages.
// Plain ES modules, no build step. User content is only ever rendered as
// text, never as HTML.

import { $, h } from './dom.js';
import { t, setLang, onLangChange, hintedLang, LANGUAGES } from './i18n.js';
import { session, api, rawApi, ApiError, errorText, onSessionLost, onEnrolmentRequired, hasRole } from './api.js';
import { initLogin, showLoginForm } from './login.js';
import { initHome, enterHome, leaveHome, showHome, relabelHome } from './home.js';
import { updateTitle } from './feed.js';
import { relabelStream, reconnectNow, streamIsOpen, stopStream } from './stream.js';
import { initCard, closeCard, renderPeople } from './people.js';
import { renderInvite } from './invite.js';
import { enrolWidget } from './enrol.js';
import { languageSwitch, markLanguage } from './language.js';
import { renderProfile } from './profile.js';
import { renderOrgAdmin } from './orgadmin.js';
import { renderTenantAdmin } from './tenantadmin.js';
import { renderTokens } from './tokens.js';
import { renderAudit } from './audit.js';
import { renderSearch } from './search.js';
import { renderAppPage } from './appview.js';
import { renderRecordPage } from './apprecord.js';
import { renderFacilities } from './facilities.js';
import { renderVacancy, mayReadVacancies } from './vacancy.js';
import { renderPatients } from './patients.js';
import { renderAlerts } from './alerts.js';
import { startAlertBanner, stopAlertBanner } from './alertbanner.js';
import { renderPreferences } from './preferences.js';

// Pages besides home, and the roles that may open them (null: everyone).
const PAGES = {
  people: { render: renderPeople, roles: null },
  profile: { render: renderProfile, roles: null },
  org: { render: renderOrgAdmin, roles: ['org_admin', 'tenant_admin'] },
  tenant: { render: renderTenantAdmin, roles: ['tenant_admin'] },
  tokens: { render: renderTokens, roles: ['org_admin', 'tenant_admin'] },
  audit: { render: renderAudit, roles: ['tenant_admin', 'privacy_officer'] },
  search: { render: renderSearch, roles: null },
  apps: { render: renderAppPage, roles: null },
  'app-record': { render: renderRecordPage, roles: null },
  facilities: { render: renderFacilities, roles: null },
  vacancy: { render: renderVacancy, roles: null },
  patients: { render: renderPatients, roles: null },
  alerts: { render: renderAlerts, roles: null },
  preferences: { render: renderPreferences, roles: null },
};

const app = { view: 'boot', enrolling: false, ctx: { alive: false } };

function showView(name) {
  app.view = name;
  for (const v of ['boot', 'login-view', 'invite-view', 'enrol-view', 'app-view']) {
    $(v).hidden = v !== name;
  }
}

function parseRoute() {
  const hash = location.hash;
  let m = hash.match(/^#\/invite\/([^/?#]+)\/?$/);
  if (m) return { name: 'invite', token: decodeURIComponent(m[1]) };
  m = hash.match(/^#\/threads\/([^/]+)(?:\/posts\/([^/]+))?\/?$/);
  if (m) return { name: 'thread', threadId: decodeURIComponent(m[1]), postId: m[2] ? decodeURIComponent(m[2]) : null };
  m = hash.match(/^#\/spaces\/([^/]+)\/?$/);
  if (m) return { name: 'space', spaceId: decodeURIComponent(m[1]) };
  m = hash.match(/^#\/people(?:\/([^/]+))?\/?$/);
  if (m) return { name: 'people', personId: m[1] ? decodeURIComponent(m[1]) : null };
  m = hash.match(/^#\/org(?:\/([^/]+))?\/?$/);
  if (m) return { name: 'org', orgId: m[1] ? decodeURIComponent(m[1]) : null };
  if (/^#\/search\/?(?:\?.*)?$/.test(hash)) return { name: 'search' };
  m = hash.match(/^#\/apps\/([^/?#]+)(?:\/(import))?\/?(?:\?(.*))?$/);
  if (m) return { name: 'apps', appId: decodeURIComponent(m[1]), sub: m[2] || null, params: new URLSearchParams(m[3] || '') };
  m = hash.match(/^#\/app-records\/([^/?#]+)\/?$/);
  if (m) return { name: 'app-record', recordId: decodeURIComponent(m[1]) };
  m = hash.match(/^#\/facilities(?:\/([^/?#]+))?\/?(?:\?(.*))?$/);
  if (m) return { name: 'facilities', facilityId: m[1] ? decodeURIComponent(m[1]) : null, params: new URLSearchParams(m[2] || '') };
  m = hash.match(/^#\/vacancy(?:\/(search|watches|holds|facilities)(?:\/([^/?#]+))?)?\/?(?:\?(.*))?$/);
  if (m) return { name: 'vacancy', sub: m[1] || '', id: m[2] ? decodeURIComponent(m[2]) : null, params: new URLSearchParams(m[3] || '') };
  m = hash.match(/^#\/patients\/?(?:\?(.*))?$/);
  if (m) return { name: 'patients', sub: '', params: new URLSearchParams(m[1] || '') };
  m = hash.match(/^#\/patients\/([^/?#]+)(?:\/(entries)\/([^/?#]+)|\/(break-glass|access-history))?\/?$/);
  if (m) {
    return {
      name: 'patients', sub: m[4] || 'file', id: decodeURIComponent(m[1]), entryId: m[3] ? decodeURIComponent(m[3]) : null,
    };
  }
  if (/^#\/rounds\/?$/.test(hash)) return { name: 'patients', sub: 'rounds' };
  m = hash.match(/^#\/alerts(?:\/([^/?#]+))?\/?(?:\?(.*))?$/);
  if (m) return { name: 'alerts', id: m[1] ? decodeURIComponent(m[1]) : null, params: new URLSearchParams(m[2] || '') };
  m = hash.match(/^#\/(profile|tenant|tokens|audit|preferences)\/?$/);
  if (m) return { name: m[1] };
  return { name: 'home' };
}

function mayOpen(page) {
  const p = PAGES[page];
  return !p || !p.roles || hasRole(...p.roles);
}

function updateNav(current) {
  for (const a of $('main-nav').querySelectorAll('a')) {
    const page = a.dataset.page;
    if (page === 'audit') a.hidden = !hasRole('privacy_officer') || hasRole('tenant_admin');
    else if (page === 'vacancy') a.hidden = !mayReadVacancies(session.user);
    else a.hidden = !mayOpen(page);
    if (page === current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// ----------------------------------------------------------------- router

function route() {
  const r = parseRoute();
  if (r.name === 'invite') {
    showInvite(r.token);
    return;
  }
  if (!session.user) {
    if (app.view === 'invite-view' || app.view === 'boot') showLogin('');
    return;
  }
  if (app.enrolling) return;
  if (app.view !== 'app-view') showView('app-view');
  app.ctx.alive = false;
  app.ctx = { alive: true };
  if (!(r.name === 'people' && r.personId)) closeCard();
  const home = !PAGES[r.name];
  updateNav(home ? 'home' : r.name === 'apps' && r.appId === 'events' ? 'events' : r.name);
  $('main').hidden = !home;
  $('page-view').hidden = home;
  if (home) {
    // a page left behind keeps nothing, e.g. an API token's secret shown once
    $('page-view').replaceChildren();
    showHome(r);
    return;
  }
  const page = $('page-view');
  page.dataset.page = r.name;
  if (!mayOpen(r.name)) {
    page.replaceChildren(h('p', { class: 'form-error', role: 'alert', testid: 'page-forbidden' }, t('error.forbidden')));
    return;
  }
  PAGES[r.name].render(page, r, app.ctx);
  page.focus({ preventScroll: true });
}

// ---------------------------------------------------------------- session

function needsEnrolment(user) {
  return !!(user && (user.totp_pending || (user.totp_required && !user.totp_enabled)));
}

function showLogin(message, kind) {
  showView('login-view');
  document.title = `${t('login.title')} - carelink`;
  showLoginForm(message, kind);
}

/** A person has logged in (login, invitation, reload with a session). */
function enterApp(data) {
  if (session.user) leaveApp();
  session.user = data.user;
  session.csrf = data.csrf;
  if (LANGUAGES.includes(data.user.language)) setLang(data.user.language);
  markLanguage();
  if (needsEnrolment(data.user)) {
    showEnrol();
    return;
  }
  startApp();
}

function startApp() {
  app.enrolling = false;
  const u = session.user;
  $('user-name').textContent = u.name || '';
  $('user-org').textContent = (u.organisation && u.organisation.name) || '';
  showView('app-view');
  updateTitle();
  enterHome({ onLost: sessionLost, onEnrol: () => { if (session.user && !app.enrolling) showEnrol(); } });
  startAlertBanner();
  if (parseRoute().name === 'invite') history.replaceState(null, '', '#/');
  route();
  if (!LANGUAGES.includes(u.language)) languageFromProfile(u);
}

/** The language kept in the person's profile, when /me did not say it. */
async function languageFromProfile(u) {
  try {
    const data = await api('GET', `/people/${encodeURIComponent(u.id)}`);
    const l = data && (data.person || data).language;
    if (session.user === u && LANGUAGES.includes(l)) {
      u.language = l;
      setLang(l);
    }
  } catch {
    // The page stays in the language it has.
  }
}

function leaveApp({ keepRoute = false } = {}) {
  app.ctx.alive = false;
  app.enrolling = false;
  leaveHome();
  stopAlertBanner();
  closeCard();
  session.user = null;
  session.csrf = null;
  $('page-view').replaceChildren();
  $('enrol-body').replaceChildren();
  if (location.hash && !keepRoute) history.replaceState(null, '', location.pathname + location.search);
}

function showEnrol() {
  app.enrolling = true;
  stopStream();
  stopAlertBanner();
  showView('enrol-view');
  document.title = `${t('enrol.title')} - carelink`;
  $('enrol-body').replaceChildren(enrolWidget({
    auto: true,
    onDone: async () => {
      try {
        const me = await rawApi('GET', '/me');
        session.user = me.user;
        session.csrf = me.csrf;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) { sessionLost(e); return; }
        session.user.totp_enabled = true;
      }
      startApp();
    },
  }));
}

/** The session ended elsewhere (expiry, logout, deactivation): back to login. */
function sessionLost(e) {
  if (!session.user) return;
  const deactivated = e instanceof ApiError && /deactivat|disabled|suspend/i.test(e.code || '');
  leaveApp({ keepRoute: true });
  showLogin(t(deactivated ? 'session.deactivated' : 'session.ended'), deactivated ? 'deactivated' : 'ended');
}

async function logout() {
  try {
    await rawApi('POST', '/logout', {});
  } catch {
    // The session is dropped in the page either way.
  }
  leaveApp();
  showLogin('');
}

async function showInvite(token) {
  showView('invite-view');
  document.title = `${t('invite.title')} - carelink`;
  await renderInvite($('invite-view'), token, (data) => {
    history.replaceState(null, '', '#/');
    enterApp(data);
  });
}

// ------------------------------------------------------------------- boot

function relabel() {
  relabelStream();
  markLanguage();
  if (app.view === 'login-view') document.title = `${t('login.title')} - carelink`;
  if (app.view === 'invite-view') route();
  if (app.view === 'app-view') {
    relabelHome();
    route();
  }
}

async function boot() {
  setLang(hintedLang(), { remember: false });
  initLogin(enterApp);
  initHome();
  initCard();
  onSessionLost(sessionLost);
  onEnrolmentRequired(() => { if (session.user && !app.enrolling) showEnrol(); });
  onLangChange(relabel);
  $('logout').addEventListener('click', logout);
  $('header-search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = $('header-search-q').value.trim();
    if (q) location.hash = `#/search?${new URLSearchParams({ q })}`;
  });
  $('enrol-logout').addEventListener('click', logout);
  const langError = (e) => { $('user-org').textContent = errorText(e, 'profile.saveFailed'); };
  $('header-lang').replaceChildren(languageSwitch('lang', langError));
  $('login-lang').replaceChildren(languageSwitch('login-lang'));
  window.addEventListener('hashchange', route);
  window.addEventListener('online', () => { if (session.user && !streamIsOpen()) reconnectNow(); });

  try {
    const me = await rawApi('GET', '/me');
    if (parseRoute().name === 'invite') {
      session.user = null;
      route();
      return;
    }
    enterApp(me);
  } catch (e) {
    if (parseRoute().name === 'invite') route();
    else if (e instanceof ApiError && e.status === 401) showLogin('');
    else showLogin(errorText(e, 'error.server'));
  }
}

boot();
