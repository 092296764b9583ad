// The people directory (顔が見える関係): search, filters, profile cards.
// Any name shown in posts or the feed opens the person's card.

import { $, h, setMessage, enc, field, areasText, listOf } from './dom.js';
import { t, professionLabel, PROFESSIONS } from './i18n.js';
import { api, errorText } from './api.js';
import { getOrganisations, orgOptions, photoEl } from './orgs.js';

const PAGE = 50;

/** A person's name that opens their profile card. */
export function personLink(person, cls = '') {
  const name = (person && person.name) || '';
  if (!person || !person.id) return h('span', { class: cls }, name);
  return h('button', {
    type: 'button',
    class: `person-link ${cls}`,
    testid: 'person-link',
    dataset: { userId: String(person.id) },
    title: t('people.openCard', { name }),
    onclick: (ev) => { ev.preventDefault(); ev.stopPropagation(); openCard(person.id); },
  }, name);
}

function cardRow(label, value, testid) {
  if (!value) return null;
  return h('div', { class: 'card-row' }, h('dt', {}, label), h('dd', { testid }, value));
}

function phoneLink(phone) {
  return phone ? h('a', { href: `tel:${String(phone).replace(/[^0-9+]/g, '')}` }, phone) : null;
}

let cardSeq = 0;

/** Show a person's profile card in a dialog. */
export async function openCard(id) {
  const dialog = $('card-dialog');
  const body = $('card-body');
  const seq = ++cardSeq;
  dialog.dataset.userId = String(id);
  dialog.dataset.state = 'loading';
  body.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  if (!dialog.open) dialog.showModal();
  try {
    const data = await api('GET', `/people/${enc(id)}`);
    if (seq !== cardSeq) return;
    const p = (data && (data.person || data.profile || data.user)) || data || {};
    const org = p.organisation || {};
    body.replaceChildren(
      h('div', { class: 'card-head' },
        photoEl({ ...p, id: p.id || id }, 'avatar avatar-large'),
        h('div', {},
          h('h2', { class: 'card-name', id: 'card-name', testid: 'card-name' }, p.name || ''),
          h('p', { class: 'muted', testid: 'card-org' }, org.name || p.organisation_name || ''))),
      h('dl', { class: 'card-list' },
        cardRow(t('people.profession'), professionLabel(p.profession), 'card-profession'),
        cardRow(t('people.phone'), phoneLink(p.work_phone), 'card-phone'),
        cardRow(t('people.areas'), areasText(p.areas), 'card-areas'),
        cardRow(t('people.help'), p.can_help_with || '', 'card-help')));
    dialog.dataset.state = 'loaded';
  } catch (e) {
    if (seq !== cardSeq) return;
    dialog.dataset.state = 'error';
    body.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, errorText(e, 'people.cardFailed')));
  }
}

export function initCard() {
  const dialog = $('card-dialog');
  $('card-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (ev) => { if (ev.target === dialog) dialog.close(); });
}

export function closeCard() {
  const dialog = $('card-dialog');
  if (dialog.open) dialog.close();
}

// ------------------------------------------------------------- directory

function renderPerson(p) {
  const org = p.organisation || {};
  return h('li', { class: 'person card', testid: 'person-item', dataset: { userId: String(p.id) } },
    photoEl(p),
    h('div', { class: 'person-main' },
      h('div', { class: 'person-name' }, personLink(p, 'person-name-link')),
      h('div', { class: 'muted small' },
        [org.name || p.organisation_name || '', professionLabel(p.profession)].filter(Boolean).join(' ・ ')),
      p.work_phone ? h('div', { class: 'small' }, `${t('people.phone')}: `, phoneLink(p.work_phone)) : null,
      areasText(p.areas) ? h('div', { class: 'small' }, `${t('people.areas')}: ${areasText(p.areas)}`) : null,
      p.can_help_with ? h('div', { class: 'small' }, `${t('people.help')}: ${p.can_help_with}`) : null));
}

/** The directory page; route.personId opens that person's card. */
export function renderPeople(root, route, ctx) {
  const q = h('input', { type: 'search', testid: 'people-search', autocomplete: 'off', 'data-i18n-placeholder': 'people.searchHint' });
  q.placeholder = t('people.searchHint');
  const orgSel = h('select', { testid: 'people-org-filter' }, h('option', { value: '' }, t('people.allOrgs')));
  const profSel = h('select', { testid: 'people-profession-filter' },
    h('option', { value: '' }, t('people.allProfessions')),
    PROFESSIONS.map((p) => h('option', { value: p }, professionLabel(p))));
  const list = h('ul', { class: 'people-list', testid: 'people-list', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted pad', role: 'status' });
  const more = h('button', { type: 'button', class: 'secondary', testid: 'people-more', hidden: true }, t('common.more'));
  const form = h('form', { class: 'filters', role: 'search', onsubmit: (ev) => { ev.preventDefault(); search(); } },
    field('people-q', t('people.search'), q),
    field('people-org', t('people.organisation'), orgSel),
    field('people-prof', t('people.profession'), profSel));
  root.replaceChildren(
    h('h1', { class: 'page-title' }, t('people.title')),
    h('p', { class: 'muted lead' }, t('people.lead')),
    form, msg, list, more);

  getOrganisations().then((orgs) => {
    if (ctx.alive) orgSel.append(...orgOptions(orgs));
  }).catch(() => {});

  let seq = 0;
  let cursor = null;
  async function search(append = false) {
    const mine = ++seq;
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (q.value.trim()) params.set('q', q.value.trim());
    if (orgSel.value) params.set('organisation', orgSel.value);
    if (profSel.value) params.set('profession', profSel.value);
    if (append && cursor) params.set('cursor', cursor);
    list.dataset.state = 'loading';
    list.dataset.query = q.value.trim();
    try {
      const data = await api('GET', `/people?${params}`);
      if (!ctx.alive || mine !== seq) return;
      const people = listOf(data, 'people');
      if (!append) list.replaceChildren();
      list.append(...people.map(renderPerson));
      cursor = data && data.next_cursor;
      more.hidden = !cursor;
      setMessage(msg, list.children.length ? '' : t('people.none'));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      list.dataset.state = 'error';
      setMessage(msg, errorText(e, 'people.loadFailed'));
    }
  }
  let timer = null;
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => search(), 250); });
  orgSel.addEventListener('change', () => search());
  profSel.addEventListener('change', () => search());
  more.addEventListener('click', () => search(true));
  search();
  if (route.personId) openCard(route.personId);
}
