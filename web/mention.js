// The @mention picker of a composer: typing "@" and part of a name suggests
// the people who may see the space and the organisations that may be
// mentioned there; the chosen ones go into the request's `mentions`.

import { h } from './dom.js';
import { t } from './i18n.js';
import { getOrganisations } from './orgs.js';
import { getSpace, getMembers, isRestricted } from './workspace.js';

const MAX_SHOWN = 8;
const QUERY_RE = /(?:^|[\s（(「、。])@([^\s@]{0,40})$/;

async function candidates(spaceId) {
  const [members, orgs, sp] = await Promise.all([
    getMembers(spaceId).catch(() => []),
    getOrganisations().catch(() => []),
    getSpace(spaceId).catch(() => null),
  ]);
  const space = sp && sp.space;
  let allowed = orgs;
  if (isRestricted(space)) {
    const listed = new Set(((space.visibility || {}).organisations || []).map(String));
    allowed = orgs.filter((o) => listed.has(String(o.id)));
  }
  return [
    ...members.map((m) => ({ kind: 'user', id: String(m.id), name: m.name || '', sub: (m.organisation && m.organisation.name) || '' })),
    ...allowed.map((o) => ({ kind: 'organisation', id: String(o.id), name: o.name || '', sub: t('mention.organisation') })),
  ].filter((c) => c.name);
}

/**
 * Attach the picker to textarea (inside wrap, which positions the list).
 * Returns {mentions(), reset(), preset(mentions), isOpen()}.
 */
export function mentionPicker(textarea, wrap, spaceId) {
  const list = h('ul', { class: 'mention-list', role: 'listbox', testid: 'mention-list', hidden: true });
  wrap.append(list);
  const chosen = new Map(); // kind:id -> {kind, id, name}
  let all = null;
  let shown = [];
  let active = 0;
  let seq = 0;

  function query() {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const m = before.match(QUERY_RE);
    return m ? m[1] : null;
  }

  function close() {
    list.hidden = true;
    shown = [];
    textarea.removeAttribute('aria-activedescendant');
  }

  function paint() {
    list.replaceChildren(...shown.map((c, i) => h('li', {
      role: 'option',
      id: `${textarea.id}-opt-${i}`,
      class: 'mention-option' + (i === active ? ' active' : ''),
      'aria-selected': i === active ? 'true' : 'false',
      testid: 'mention-option',
      dataset: { kind: c.kind, id: c.id },
      onmousedown: (ev) => { ev.preventDefault(); pick(c); },
    }, h('span', { class: 'mention-name' }, c.name), h('span', { class: 'muted small' }, c.sub))));
    list.hidden = shown.length === 0;
    if (shown.length) textarea.setAttribute('aria-activedescendant', `${textarea.id}-opt-${active}`);
  }

  async function update() {
    const q = query();
    if (q == null) { close(); return; }
    const mine = ++seq;
    if (!all) all = await candidates(spaceId);
    if (mine !== seq) return;
    const low = q.toLowerCase();
    const nospace = (s) => s.toLowerCase().replace(/\s+/g, '');
    shown = all.filter((c) => !low || nospace(c.name).includes(nospace(low))).slice(0, MAX_SHOWN);
    active = 0;
    paint();
  }

  function pick(c) {
    const pos = textarea.selectionStart;
    const before = textarea.value.slice(0, pos);
    const q = query() ?? '';
    const start = before.length - q.length - 1;
    const insert = `@${c.name} `;
    textarea.value = textarea.value.slice(0, start) + insert + textarea.value.slice(pos);
    const caret = start + insert.length;
    textarea.setSelectionRange(caret, caret);
    chosen.set(`${c.kind}:${c.id}`, c);
    close();
    textarea.focus();
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  textarea.setAttribute('aria-autocomplete', 'list');
  textarea.addEventListener('input', update);
  textarea.addEventListener('click', update);
  textarea.addEventListener('blur', () => setTimeout(close, 150));
  textarea.addEventListener('keydown', (ev) => {
    if (list.hidden || !shown.length) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      active = (active + (ev.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
      paint();
    } else if ((ev.key === 'Enter' && !ev.ctrlKey && !ev.metaKey) || ev.key === 'Tab') {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      pick(shown[active]);
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      close();
    }
  });

  return {
    /** {users:[ids], organisations:[ids]} still named in the text. */
    mentions() {
      const out = { users: [], organisations: [] };
      for (const c of chosen.values()) {
        if (!textarea.value.includes(`@${c.name}`)) continue;
        (c.kind === 'user' ? out.users : out.organisations).push(c.id);
      }
      return out;
    },
    preset(mentions) {
      for (const u of (mentions && mentions.users) || []) chosen.set(`user:${u.id}`, { kind: 'user', id: String(u.id), name: u.name });
      for (const o of (mentions && mentions.organisations) || []) chosen.set(`organisation:${o.id}`, { kind: 'organisation', id: String(o.id), name: o.name });
    },
    reset() { chosen.clear(); close(); },
    isOpen() { return !list.hidden; },
  };
}
