// The search page (#/search?q=…&space=&author=&from=&to=): posts and
// comments of every space the person may see, newest first, with the space
// and thread, the match marked in a snippet, filters and "more".

import { h, field, enc, timeEl, setMessage, listOf } from './dom.js';
import { t } from './i18n.js';
import { api, errorText, ApiError } from './api.js';
import { markedText } from './richtext.js';

const PAGE = 20;
const SNIPPET = 160;
const FILTERS = ['q', 'space', 'author', 'from', 'to'];

/** The part of text around the first match of q. */
function snippetOf(text, q) {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  if (s.length <= SNIPPET) return s;
  const i = q ? s.toLowerCase().indexOf(q.toLowerCase()) : -1;
  const start = i < 0 ? 0 : Math.max(0, i - Math.floor(SNIPPET / 3));
  const part = s.slice(start, start + SNIPPET);
  return (start > 0 ? '…' : '') + part + (start + SNIPPET < s.length ? '…' : '');
}

function hitEl(hit, q) {
  const p = hit.post || {};
  const space = hit.space || {};
  const thread = hit.thread || {};
  const author = p.author || {};
  return h('li', { class: 'search-hit', testid: 'search-hit', dataset: { id: String(p.id ?? '') } },
    h('a', { href: `#/threads/${enc(thread.id)}/posts/${enc(p.id)}`, class: 'search-hit-link', testid: 'search-hit-link' },
      h('span', { class: 'search-where' }, `${space.name || ''} / ${thread.title || ''}`),
      h('span', { class: 'search-snippet', testid: 'search-snippet' }, markedText(snippetOf(p.body, q), q))),
    h('span', { class: 'feed-meta' },
      h('span', {}, author.name || ''),
      author.organisation && author.organisation.name ? h('span', {}, author.organisation.name) : null,
      p.parent_id ? h('span', { class: 'tag' }, t('search.comment')) : null,
      timeEl(p.created_at)));
}

/** Query of the route's hash: #/search?q=… */
export function searchParams() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i >= 0 ? location.hash.slice(i + 1) : '');
}

export function renderSearch(root, route, ctx) {
  const params = searchParams();
  const q = h('input', { type: 'search', testid: 'search-q', value: params.get('q') || '' });
  const space = h('select', { testid: 'search-space' }, h('option', { value: '' }, t('search.allSpaces')));
  const author = h('select', { testid: 'search-author' }, h('option', { value: '' }, t('search.anyone')));
  const from = h('input', { type: 'date', testid: 'search-from', value: params.get('from') || '' });
  const to = h('input', { type: 'date', testid: 'search-to', value: params.get('to') || '' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'search-submit' }, t('search.submit'));
  const form = h('form', { class: 'inline-form search-form', role: 'search', novalidate: true },
    field('search-q-field', t('search.label'), q), field('search-space-field', t('search.space'), space),
    field('search-author-field', t('search.author'), author), field('search-from-field', t('search.from'), from),
    field('search-to-field', t('search.to'), to), submit);
  const msg = h('p', { class: 'muted', role: 'status', testid: 'search-message' });
  const list = h('ol', { class: 'search-results', testid: 'search-results', dataset: { state: 'idle', query: params.get('q') || '' } });
  const more = h('button', { type: 'button', class: 'secondary', testid: 'search-more', hidden: true }, t('common.more'));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    const values = { q: q.value.trim(), space: space.value, author: author.value, from: from.value, to: to.value };
    for (const k of FILTERS) if (values[k]) next.set(k, values[k]);
    location.hash = `#/search?${next}`;
  });

  // The choices of the filters.
  (async () => {
    try {
      const [spaces, people] = await Promise.all([api('GET', '/spaces'), api('GET', '/people?limit=200')]);
      if (!ctx.alive) return;
      space.append(...(spaces.spaces || []).map((s) => h('option', { value: s.id }, s.name || '')));
      author.append(...listOf(people, 'people').map((p) => h('option', { value: p.id }, p.name || '')));
      space.value = params.get('space') || '';
      author.value = params.get('author') || '';
    } catch {
      // The filters stay with "all"; the search still works.
    }
  })();

  let cursor = null;
  async function load(append) {
    const query = new URLSearchParams();
    for (const k of FILTERS) if (params.get(k)) query.set(k, params.get(k));
    query.set('limit', String(PAGE));
    if (append && cursor) query.set('cursor', cursor);
    list.dataset.state = 'loading';
    setMessage(msg, t('common.loading'));
    try {
      const data = await api('GET', `/search?${query}`);
      if (!ctx.alive) return;
      const hits = (data.hits || []).map((hit) => hitEl(hit, params.get('q') || ''));
      if (append) list.append(...hits); else list.replaceChildren(...hits);
      cursor = data.next_cursor || null;
      more.hidden = !cursor;
      list.dataset.state = 'loaded';
      setMessage(msg, list.children.length ? t('search.count', { n: list.children.length }) + (cursor ? '+' : '') : t('search.none'));
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      if (e instanceof ApiError) list.dataset.code = e.code;
      setMessage(msg, errorText(e, 'search.failed'));
    }
  }
  more.addEventListener('click', () => load(true));

  root.replaceChildren(h('h1', { class: 'page-title' }, t('search.title')), h('section', { class: 'card page-section' }, form),
    msg, list, more);
  if (params.get('q') || params.get('author')) load(false);
  else setMessage(msg, t('search.hint'));
  q.focus();
}
