// API tokens for machine clients (emergency services, analytics): create with
// scopes (the secret is shown once), list with last use, revoke.

import { h, field, section, errorLine, busy, enc, listOf, copyButton, timeEl, setMessage } from './dom.js';
import { t, scopeLabel, SCOPES } from './i18n.js';
import { api, errorText } from './api.js';

function tokenRow(tok, reload) {
  const err = errorLine('token-error');
  const revoke = h('button', { type: 'button', class: 'secondary danger small-btn', testid: 'token-revoke' }, t('tokens.revoke'));
  const confirm = h('button', { type: 'button', class: 'danger small-btn', testid: 'token-revoke-confirm', hidden: true },
    t('tokens.revokeConfirm', { name: tok.name || '' }));
  revoke.addEventListener('click', () => { confirm.hidden = false; confirm.focus(); });
  confirm.addEventListener('click', () => busy(confirm, async () => {
    err.textContent = '';
    try {
      await api('DELETE', `/tokens/${enc(tok.id)}`);
      reload();
    } catch (e) {
      err.textContent = errorText(e, 'tokens.revokeFailed');
    }
  }));
  const revoked = !!tok.revoked_at;
  return h('li', { class: 'admin-row', testid: 'token-row', dataset: { id: String(tok.id) } },
    h('div', { class: 'admin-row-main' },
      h('span', { class: 'strong', testid: 'token-name' }, tok.name || ''),
      h('span', { class: 'small' }, (tok.scopes || []).map(scopeLabel).join('、')),
      h('span', { class: 'muted small' }, t('tokens.created'), ' ', timeEl(tok.created_at)),
      h('span', { class: 'muted small', testid: 'token-last-used' }, t('tokens.lastUsed'), ' ',
        tok.last_used_at ? timeEl(tok.last_used_at) : t('tokens.never')),
      revoked ? h('span', { class: 'tag tag-off' }, t('tokens.revoked')) : null),
    revoked ? null : h('div', { class: 'row-actions' }, revoke, confirm), err);
}

export function renderTokens(root, route, ctx) {
  const list = h('ul', { class: 'admin-list', testid: 'tokens-list', dataset: { state: 'loading' } });
  const msg = h('p', { class: 'muted', role: 'status' });
  async function load() {
    list.dataset.state = 'loading';
    try {
      const data = await api('GET', '/tokens?limit=200');
      if (!ctx.alive) return;
      const items = listOf(data, 'tokens');
      list.replaceChildren(...items.map((tok) => tokenRow(tok, load)));
      setMessage(msg, items.length ? '' : t('tokens.none'));
      list.dataset.state = 'loaded';
    } catch (e) {
      if (!ctx.alive) return;
      list.dataset.state = 'error';
      setMessage(msg, errorText(e, 'tokens.loadFailed'));
    }
  }

  const name = h('input', { type: 'text', required: true, testid: 'token-new-name' });
  const scopes = h('fieldset', { class: 'roles' }, h('legend', { class: 'small' }, t('tokens.scopes')),
    SCOPES.map((s) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', value: s, testid: `token-scope-${s.replace(':', '-')}` }),
      scopeLabel(s), ' ', h('code', { class: 'small muted' }, s))));
  const err = errorLine('token-create-error');
  const result = h('div', { class: 'once-box', testid: 'token-result', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'token-create' }, t('tokens.create'));
  const form = h('form', { novalidate: true }, field('token-new-name-field', t('tokens.name'), name, t('tokens.nameHint')),
    scopes, err, submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      err.textContent = '';
      const chosen = [...scopes.querySelectorAll('input:checked')].map((i) => i.value);
      if (!name.value.trim()) { err.textContent = t('tokens.nameRequired'); name.focus(); return; }
      if (!chosen.length) { err.textContent = t('tokens.scopeRequired'); return; }
      try {
        const data = await api('POST', '/tokens', { name: name.value.trim(), scopes: chosen });
        const out = h('input', { type: 'text', readonly: true, value: String(data.secret || ''), testid: 'token-secret', class: 'mono' });
        result.replaceChildren(
          h('p', { class: 'warning', role: 'alert' }, t('tokens.once')),
          h('div', { class: 'copy-row' }, out, copyButton(() => out.value, 'token-secret-copy')));
        result.hidden = false;
        form.reset();
        out.select();
        load();
      } catch (e) {
        err.textContent = errorText(e, 'tokens.createFailed');
      }
    });
  });
  load();
  root.replaceChildren(
    h('h1', { class: 'page-title' }, t('tokens.title')),
    h('p', { class: 'muted lead' }, t('tokens.lead')),
    h('div', { class: 'page-grid' },
      section(t('tokens.new'), form, result),
      section(t('tokens.list'), msg, list)));
}
