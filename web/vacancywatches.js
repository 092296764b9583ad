// My watches (保存した検索, #/vacancy/watches and #/vacancy/watches/<id>):
// each saved search with its conditions and the facilities that match it
// now, each with a hold button; delete. A watch's page re-reads itself when
// a vacancy notification arrives, so a new match shows without a reload.

import { h, enc, timeEl, busy, errorLine } from './dom.js';
import { t } from './i18n.js';
import { api, ApiError } from './api.js';
import {
  vacancyFrame, rangeText, kindLabel, roomLabel, levelLabel, condLabel, facilityName, showError, notAvailable,
  onVacancyNews, dayPlus,
} from './vacancy.js';
import { holdForm } from './vacancyholds.js';
import { holdRoom } from './vacancysearch.js';

/** The conditions of a watch as one line. */
function conditionsText(w) {
  return [
    kindLabel(w.kind),
    rangeText(w.from, w.to),
    `${t('vacancy.room')}: ${roomLabel(w.room || 'any')}${w.beds > 1 ? ` × ${w.beds}` : ''}`,
    w.care_level ? levelLabel(w.care_level) : null,
    (w.conditions || []).length ? (w.conditions || []).map(condLabel).join('・') : null,
    w.district || null,
    w.near && w.radius_km != null ? `${t('vacancy.radius')} ${w.radius_km}` : null,
  ].filter(Boolean).join(' ／ ');
}

function matchItem(m, w) {
  const formBox = h('div', {});
  const from = w.from < dayPlus(0) ? dayPlus(0) : w.from; // nights past are not held
  const holdBtn = h('button', { type: 'button', class: 'primary small-btn', testid: 'match-hold' }, t('vacancy.hold'));
  holdBtn.addEventListener('click', () => {
    if (formBox.children.length) { formBox.replaceChildren(); return; }
    formBox.replaceChildren(holdForm({ facility: m.facility, kind: w.kind, from, to: w.to, room: holdRoom(w.room) },
      { onCancel: () => formBox.replaceChildren() }));
    const b = formBox.querySelector('[data-testid="hold-beds"]');
    if (b && w.beds) b.value = String(w.beds);
    formBox.querySelector('[data-testid="hold-client"]').focus();
  });
  return h('li', { class: 'card vac-result', testid: 'watch-match', dataset: { id: String(m.facility.id), min: String(m.min_available) } },
    h('div', { class: 'vac-result-head' },
      facilityName(m.facility),
      h('span', { class: 'vac-min' }, `${t('vacancy.search.min')} ${m.min_available}`),
      m.distance_km != null ? h('span', { class: 'muted' }, t('vacancy.search.km', { d: Number(m.distance_km).toFixed(1) })) : null,
      m.matched_at ? h('span', { class: 'muted small' }, `${t('vacancy.watch.matchedAt')} `, timeEl(m.matched_at)) : null,
      holdBtn),
    formBox);
}

function deleteButton(w, onDeleted, err) {
  return h('button', {
    type: 'button', class: 'secondary small-btn', testid: 'watch-delete',
    onclick: (ev) => {
      if (!window.confirm(t('vacancy.watch.deleteConfirm'))) return;
      busy(ev.currentTarget, async () => {
        showError(err, null);
        try {
          await api('DELETE', `/watches/${enc(w.id)}`);
          onDeleted();
        } catch (e) {
          showError(err, e);
        }
      });
    },
  }, t('vacancy.watch.delete'));
}

function watchHead(w, onDeleted, err, asLink) {
  return h('header', { class: 'vac-result-head' },
    asLink ? h('a', { href: `#/vacancy/watches/${enc(w.id)}`, class: 'strong', testid: 'watch-link' }, w.name || '')
      : h('h2', { class: 'section-title', testid: 'watch-name-shown' }, w.name || ''),
    h('span', { class: `tag ${w.active ? '' : 'tag-off'}`, testid: 'watch-active', dataset: { active: String(!!w.active) } },
      t(w.active ? 'vacancy.watch.active' : 'vacancy.watch.inactive')),
    deleteButton(w, onDeleted, err));
}

function matchesList(w) {
  const ms = w.matches || [];
  return h('div', {},
    h('h3', { class: 'sub-title' }, t('vacancy.watch.matches')),
    ms.length ? h('ol', { class: 'vac-results', testid: 'watch-matches', dataset: { count: String(ms.length) } }, ...ms.map((m) => matchItem(m, w)))
      : h('p', { class: 'muted', testid: 'watch-no-matches' }, t('vacancy.watch.noMatches')));
}

async function oneWatch(root, route, ctx) {
  const box = h('div', { testid: 'watch-page', dataset: { state: 'loading' } }, h('p', { class: 'muted' }, t('common.loading')));
  const liveNote = h('p', { class: 'notice', role: 'status', testid: 'watch-live', hidden: true }, t('vacancy.watch.live'));
  root.replaceChildren(vacancyFrame('watches', 'vacancy-page',
    h('nav', { class: 'page-links' }, h('a', { href: '#/vacancy/watches' }, t('vacancy.watch.back'))),
    liveNote, box));
  let seq = 0;
  async function load() {
    const mine = ++seq;
    try {
      const w = (await api('GET', `/watches/${enc(route.id)}`)).watch;
      if (!ctx.alive || mine !== seq) return;
      // an open hold form survives a re-read only when nothing changed
      if (box.querySelector('[data-testid="hold-form"]') && box.dataset.matches === JSON.stringify((w.matches || []).map((m) => m.facility.id))) return;
      const err = errorLine('watch-error');
      box.replaceChildren(h('section', { class: 'card page-section' },
        watchHead(w, () => { location.hash = '#/vacancy/watches'; }, err, false),
        h('p', { class: 'muted', testid: 'watch-conditions' }, conditionsText(w)),
        err,
        matchesList(w)));
      box.dataset.state = 'loaded';
      box.dataset.id = String(w.id);
      box.dataset.matches = JSON.stringify((w.matches || []).map((m) => m.facility.id));
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      box.replaceChildren(e instanceof ApiError && e.status === 404 && e.code === 'watch_not_found'
        ? h('p', { class: 'form-error', role: 'alert', testid: 'vac-error' }, t('vacancy.watch.notFound')) : notAvailable(e));
      box.dataset.state = 'error';
    }
  }
  onVacancyNews(ctx, (n) => {
    if (n.kind !== 'vacancy_match') return;
    if (typeof n.link === 'string' && n.link.endsWith(`/watches/${route.id}`)) liveNote.hidden = false;
    load();
  });
  load();
}

function watchList(root, ctx) {
  const list = h('ol', { class: 'vac-watch-list', testid: 'watch-list', dataset: { state: 'loading' } });
  let seq = 0;
  async function load() {
    const mine = ++seq;
    try {
      const ws = (await api('GET', '/watches')).watches || [];
      if (!ctx.alive || mine !== seq) return;
      list.replaceChildren(...(ws.length ? ws.map((w) => {
        const err = errorLine('watch-error');
        return h('li', { class: 'card page-section', testid: 'watch-item', dataset: { id: String(w.id), active: String(!!w.active) } },
          watchHead(w, () => load(), err, true),
          h('p', { class: 'muted', testid: 'watch-conditions' }, conditionsText(w)),
          err,
          matchesList(w));
      }) : [h('li', { class: 'muted' }, t('vacancy.watches.none'))]));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      list.replaceChildren(h('li', {}, notAvailable(e)));
      list.dataset.state = 'error';
    }
  }
  onVacancyNews(ctx, (n) => { if (n.kind === 'vacancy_match' && !list.querySelector('[data-testid="hold-form"]')) load(); });
  load();
  root.replaceChildren(vacancyFrame('watches', 'vacancy-page',
    h('h2', { class: 'section-title' }, t('vacancy.watches.title')), list));
}

/** #/vacancy/watches and #/vacancy/watches/<id> */
export function renderWatches(root, route, ctx) {
  if (route.id) oneWatch(root, route, ctx);
  else watchList(root, ctx);
}
