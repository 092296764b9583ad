// A patient's file (#/patients/<id>, #/patients/<id>/entries/<entry>):
// the profile, the break-glass banner, the entry form, the timeline
// filtered by category (entries are marked read when shown; corrections
// are linked both ways), the opened entry of a notification's link, and the
// care team. The timeline re-reads itself when a notification about the
// patient arrives, and every 20 seconds while the page is shown (entries
// that notify nobody, such as vitals). A file one may not see is the same "not found" as an
// unknown one.

import { h, enc, busy, errorLine } from './dom.js';
import { t, formatDateLong } from './i18n.js';
import { api } from './api.js';
import {
  notFoundPage, levelLabel, scopeLabel, roleLabel, categoryLabel, ageOf, grantOf, onPatientNews, showError,
  codeSelect, inlineField, CATEGORIES, CONSENT_SCOPES,
} from './patients.js';
import { entryCard, entryForm } from './patiententry.js';
import { teamSection } from './patientteam.js';

const PAGE = 50;
const POLL_MS = 20_000;

function profile(p) {
  const age = ageOf(p.birth_date);
  const consent = p.consent && p.consent.given
    ? `${t('pt.consent.givenOn', { date: p.consent.date || '' })} ／ ${scopeLabel(p.consent.scope)}${p.consent.note ? ` ／ ${p.consent.note}` : ''}`
    : t('pt.consent.none');
  return h('section', { class: 'card page-section pt-profile', testid: 'patient-profile' },
    h('h2', { class: 'pt-name', testid: 'patient-name' }, p.name || '',
      h('span', { class: 'muted small' }, ` ${p.kana || ''}`)),
    h('dl', { class: 'pt-dl' },
      h('dt', {}, t('pt.birth')), h('dd', {}, `${p.birth_date || ''}${age != null ? `（${t('pt.age', { n: age })}）` : ''}`),
      h('dt', {}, t('pt.careLevel')), h('dd', { testid: 'patient-care-level' }, levelLabel(p.care_level)),
      p.address ? [h('dt', {}, t('pt.address')), h('dd', {}, p.address)] : null,
      (p.contacts || []).length ? [h('dt', {}, t('pt.contacts')), h('dd', {}, p.contacts.map((c) =>
        [c.name, c.relation ? `（${c.relation}）` : '', c.phone ? ` ${c.phone}` : ''].join('')).join(' ／ '))] : null,
      h('dt', {}, t('pt.consent')), h('dd', { testid: 'patient-consent', dataset: { given: String(!!(p.consent && p.consent.given)) } }, consent),
      h('dt', {}, t('pt.myRole')), h('dd', { testid: 'patient-my-role' },
        p.my_role === 'break_glass' ? t('pt.bg.tag') : roleLabel(p.my_role))),
    consentForm(p));
}

/** For a file without consent: recording it (PATCH), after which the team may grow. */
function consentForm(p) {
  if (p.consent && p.consent.given) return null;
  if (!p.my_role || p.my_role === 'break_glass') return null;
  const date = h('input', { type: 'date', testid: 'consent-date', value: new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10) });
  const scope = codeSelect('consent-scope', CONSENT_SCOPES, scopeLabel, null, 'care_team');
  const note = h('input', { type: 'text', maxlength: 500, testid: 'consent-note' });
  const err = errorLine('consent-error');
  const submit = h('button', { type: 'submit', class: 'primary small-btn', testid: 'consent-submit' }, t('pt.consent.record'));
  const form = h('form', { class: 'pt-form', testid: 'consent-form', novalidate: true },
    h('p', { class: 'notice' }, t('pt.consent.hint')),
    h('div', { class: 'pt-row' }, inlineField(t('pt.consent.date'), date), inlineField(t('pt.consent.scope'), scope),
      inlineField(t('pt.consent.note'), note, 'pt-wide'), submit), err);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      showError(err, null);
      try {
        await api('PATCH', `/patients/${enc(p.id)}`, {
          consent: { given: true, date: date.value, scope: scope.value, note: note.value.trim() },
        });
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (e) {
        showError(err, e);
      }
    });
  });
  return form;
}

function breakGlassBanner(p) {
  if (p.my_role !== 'break_glass') return null;
  const until = grantOf(p.id);
  return h('p', { class: 'notice pt-bg-banner', role: 'status', testid: 'break-glass-banner' },
    until ? t('pt.bg.bannerUntil', { until: formatDateLong(new Date(until)) }) : t('pt.bg.banner'));
}

/** The timeline: filters, entries, older ones; {el, reload()}. */
function timeline(ctx, patient, onCorrect) {
  let category = '';
  const list = h('ol', { class: 'pt-timeline', testid: 'timeline', dataset: { state: 'loading', category: '' } });
  const err = errorLine('timeline-error');
  const more = h('button', { type: 'button', class: 'secondary small-btn', testid: 'timeline-more', hidden: true }, t('pt.older'));
  const filter = (c) => h('button', {
    type: 'button', class: 'tab', testid: `timeline-filter-${c || 'all'}`, 'aria-pressed': String(c === category),
    onclick: () => { category = c; for (const b of bar.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b === ev(c))); load(); },
  }, c ? categoryLabel(c) : t('pt.all'));
  const buttons = new Map(['', ...CATEGORIES].map((c) => [c, filter(c)]));
  const ev = (c) => buttons.get(c);
  const bar = h('div', { class: 'tabs pt-filters', role: 'group', 'aria-label': t('pt.filter') }, ...buttons.values());
  const marked = new Set();
  let seq = 0;
  let oldest = null;

  async function markRead(entries) {
    for (const e of entries) {
      if (e.read !== false || marked.has(e.id)) continue;
      marked.add(e.id);
      try {
        await api('POST', `/entries/${enc(e.id)}/read`, {});
        for (const el of list.querySelectorAll(`[data-testid="entry"][data-id="${CSS.escape(String(e.id))}"]`)) el.dataset.read = 'true';
      } catch {
        marked.delete(e.id);
      }
    }
  }

  let pages = 0;
  async function load(append = false) {
    const mine = ++seq;
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (category) params.set('category', category);
    if (append && oldest) params.set('before', oldest);
    list.dataset.state = 'loading';
    try {
      const data = await api('GET', `/patients/${enc(patient.id)}/entries?${params}`);
      if (!ctx.alive || mine !== seq) return;
      const es = (data && data.entries) || [];
      if (!append) list.replaceChildren();
      pages = append ? pages + 1 : 1;
      list.append(...es.map((e) => entryCard(e, { onCorrect })));
      if (!list.children.length) list.append(h('li', { class: 'muted', testid: 'timeline-empty' }, t('pt.timeline.empty')));
      oldest = es.length ? es[es.length - 1].id : oldest;
      more.hidden = es.length < PAGE;
      list.dataset.category = category;
      list.dataset.state = 'loaded';
      showError(err, null);
      markRead(es);
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      list.dataset.state = 'error';
      showError(err, e, 'pt.loadFailed');
    }
  }
  more.addEventListener('click', () => busy(more, () => load(true)));
  load();
  return {
    el: h('section', { class: 'card page-section' }, h('h2', { class: 'section-title' }, t('pt.timeline')), bar, err, list, more),
    reload: () => load(),
    // a quiet re-read: not while older pages are shown (it would drop them)
    refresh: () => { if (pages <= 1 && list.dataset.state !== 'loading') load(); },
    markRead,
  };
}

/** The entry a link opened, shown above the timeline. */
async function openedEntry(ctx, box, entryId, tl, onCorrect) {
  try {
    const data = await api('GET', `/entries/${enc(entryId)}`);
    if (!ctx.alive) return;
    box.replaceChildren(h('h2', { class: 'section-title' }, t('pt.openedEntry')),
      h('ol', { class: 'pt-timeline' }, entryCard(data.entry, { onCorrect, opened: true })));
    box.dataset.state = 'loaded';
    box.hidden = false;
    tl.markRead([data.entry]);
    box.scrollIntoView({ block: 'start' });
  } catch (e) {
    if (!ctx.alive) return;
    const line = errorLine('entry-opened-error');
    showError(line, e, 'pt.loadFailed');
    box.replaceChildren(line);
    box.dataset.state = 'error';
    box.hidden = false;
  }
}

/** #/patients/<id> and #/patients/<id>/entries/<entry> */
export async function renderPatientFile(root, route, ctx) {
  const frame = h('div', { class: 'pt-page', testid: 'patient-page', dataset: { state: 'loading', id: route.id } },
    h('p', { class: 'muted' }, t('common.loading')));
  root.replaceChildren(frame);
  let patient;
  let team = [];
  let last = null;
  try {
    patient = (await api('GET', `/patients/${enc(route.id)}`)).patient;
    const [tm, lv] = await Promise.all([
      api('GET', `/patients/${enc(route.id)}/team`).catch(() => ({ members: [] })),
      api('GET', `/patients/${enc(route.id)}/last-values`).catch(() => null),
    ]);
    team = (tm && tm.members) || [];
    last = lv;
  } catch (e) {
    if (!ctx.alive) return;
    frame.replaceChildren(notFoundPage(route.id, e));
    frame.dataset.state = 'error';
    return;
  }
  if (!ctx.alive) return;
  document.title = `${patient.name || ''} - carelink`;
  if (!last) last = { vitals: {}, adl: {} };
  let tl = null;
  const saved = h('p', { class: 'notice', role: 'status', testid: 'entry-saved', hidden: true });
  const form = entryForm(ctx, patient, team, last, (entry) => {
    tl.reload();
    refreshLast();
    saved.replaceChildren(t('pt.entry.savedOne', { category: categoryLabel(entry.category) }), ' ',
      h('a', { href: `#/patients/${enc(patient.id)}/entries/${enc(entry.id)}`, testid: 'entry-saved-link' }, t('pt.entry.show')));
    saved.dataset.id = String(entry.id);
    saved.hidden = false;
  });
  tl = timeline(ctx, patient, (e) => form.correct(e));
  async function refreshLast() {
    try {
      const lv = await api('GET', `/patients/${enc(patient.id)}/last-values`);
      if (lv) { last.vitals = lv.vitals; last.adl = lv.adl; }
    } catch { /* the form keeps the values it had */ }
  }
  const opened = h('section', { class: 'card page-section pt-opened-box', testid: 'entry-opened-box', hidden: true });
  frame.replaceChildren(...[
    h('nav', { class: 'page-links' },
      h('a', { href: '#/patients', testid: 'patient-back' }, t('pt.backToList')),
      h('a', { href: `#/patients/${enc(patient.id)}/access-history`, testid: 'access-history-link' }, t('pt.access.title')),
      h('a', { href: '#/rounds', testid: 'rounds-link' }, t('pt.tab.rounds'))),
    breakGlassBanner(patient),
    profile(patient),
    opened,
    saved,
    form.el,
    tl.el,
    teamSection(ctx, patient, team),
  ].filter(Boolean));
  frame.dataset.state = 'loaded';
  frame.dataset.role = patient.my_role || '';
  if (route.entryId) openedEntry(ctx, opened, route.entryId, tl, (e) => form.correct(e));
  onPatientNews(ctx, patient.id, () => tl.reload());
  // entries nobody is notified of (vitals, notes) show up too while the page is open
  const poll = setInterval(() => {
    if (!ctx.alive) { clearInterval(poll); return; }
    if (document.visibilityState === 'visible') tl.refresh();
  }, POLL_MS);
}
