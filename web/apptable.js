// The list view of an app: a table with a column per field (the first
// six), a text filter, a filter per choice field, sorting by a column
// header, paging by next_cursor and the total.

import { h, enc, setMessage, timeEl } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { valueEl, appError, choiceOptions } from './apps.js';

const COLUMNS = 6;
const PAGE = 50;

/**
 * The list of app's records; onQuery(params) tells the current filters
 * (for the CSV export links). Returns the element.
 */
export function recordTable(app, ctx, onQuery) {
  const fields = (app.fields || []).slice(0, COLUMNS);
  const st = { sort: '-updated_at', cursor: null, seq: 0 };
  const q = h('input', { type: 'search', testid: 'app-q', placeholder: t('apps.search'), 'aria-label': t('apps.search') });
  const filters = (app.fields || []).filter((f) => f.type === 'choice' || f.type === 'multi_choice').map((f) => {
    const sel = h('select', { testid: `app-filter-${f.key}`, 'aria-label': f.label, dataset: { key: f.key } },
      choiceOptions(f.choices, t('apps.filterAll', { label: f.label })));
    return sel;
  });
  const total = h('span', { class: 'muted', testid: 'app-total', role: 'status' });
  const head = h('tr', {});
  const body = h('tbody', {});
  const table = h('table', { class: 'data-table', testid: 'app-table', dataset: { state: 'loading' } }, h('thead', {}, head), body);
  const msg = h('p', { class: 'muted', role: 'status' });
  const more = h('button', { type: 'button', class: 'secondary', testid: 'app-more', hidden: true }, t('common.more'));

  function params() {
    const p = new URLSearchParams();
    if (q.value.trim()) p.set('q', q.value.trim());
    for (const sel of filters) if (sel.value) p.set(`f.${sel.dataset.key}`, sel.value);
    p.set('sort', st.sort);
    return p;
  }
  function paintHead() {
    const col = (key, label) => {
      const dir = st.sort === key ? 'ascending' : st.sort === `-${key}` ? 'descending' : 'none';
      return h('th', { scope: 'col', 'aria-sort': dir },
        h('button', {
          type: 'button', class: 'sort-btn', testid: `app-sort-${key}`,
          onclick: () => { st.sort = st.sort === key ? `-${key}` : key; load(); },
        }, label, dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''));
    };
    head.replaceChildren(...fields.map((f) => col(f.key, f.label || f.key)), col('updated_at', t('apps.updatedAt')));
  }
  function row(r) {
    const cells = fields.map((f, i) => {
      const v = valueEl(f, r.values && r.values[f.key], r.display);
      return h('td', { dataset: { key: f.key } }, i === 0 ? h('a', { href: `#/app-records/${enc(r.id)}`, testid: 'app-row-link' }, v.textContent || t('apps.untitled')) : v);
    });
    const reg = r.registration;
    if (reg && reg.full) cells[0].append(' ', h('span', { class: 'tag tag-full', testid: 'event-full-badge' }, t('events.fullBadge')));
    return h('tr', { testid: 'app-row', dataset: { id: String(r.id) } }, ...cells, h('td', {}, timeEl(r.updated_at)));
  }
  async function load(append = false) {
    const mine = ++st.seq;
    const p = params();
    if (onQuery) { const e = new URLSearchParams(p); e.delete('sort'); onQuery(e); }
    p.set('limit', String(PAGE));
    if (append && st.cursor) p.set('cursor', st.cursor);
    table.dataset.state = 'loading';
    paintHead();
    try {
      const data = await api('GET', `/apps/${enc(app.id)}/records?${p}`);
      if (!ctx.alive || mine !== st.seq) return;
      const rows = (data.records || []).map(row);
      if (append) body.append(...rows); else body.replaceChildren(...rows);
      st.cursor = data.next_cursor || null;
      more.hidden = !st.cursor;
      total.textContent = t('apps.total', { n: data.total ?? body.children.length });
      setMessage(msg, body.children.length ? '' : t('apps.noRecords'));
      table.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive || mine !== st.seq) return;
      table.dataset.state = 'error';
      setMessage(msg, appError(e, 'apps.loadFailed'));
    }
  }
  let timer = null;
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => load(), 300); });
  for (const sel of filters) sel.addEventListener('change', () => load());
  more.addEventListener('click', () => load(true));
  load();
  return h('div', { class: 'app-list-view', testid: 'app-list-view' },
    h('div', { class: 'filter-bar' }, q, ...filters, total),
    h('div', { class: 'table-scroll' }, table), msg, more);
}
