// Break-glass (#/patients/<id>/break-glass): a doctor or an emergency
// service who is not on the patient's team opens the file with a written
// reason; the grant is time-limited, audited, and the team is told at once.
// Access history (#/patients/<id>/access-history): who read, wrote or was
// refused the file, from where, with the CSV download.

import { h, enc, busy, errorLine, timeEl } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { notFoundPage, mayBreakGlass, rememberGrant, showError, actionLabel, outcomeLabel } from './patients.js';

const REASON_MIN = 10;
const REASON_MAX = 1000;

/** #/patients/<id>/break-glass */
export function renderBreakGlass(root, route) {
  const reason = h('textarea', { rows: 4, maxlength: REASON_MAX, required: true, testid: 'bg-reason', 'aria-describedby': 'bg-hint' });
  const count = h('span', { class: 'muted small', testid: 'bg-count' }, `0 / ${REASON_MAX}`);
  reason.addEventListener('input', () => { count.textContent = `${reason.value.trim().length} / ${REASON_MAX}`; });
  const err = errorLine('bg-error');
  const submit = h('button', { type: 'submit', class: 'primary danger', testid: 'bg-submit' }, t('pt.bg.submit'));
  const form = h('form', { class: 'pt-form', testid: 'bg-form', novalidate: true },
    h('p', { class: 'notice', id: 'bg-hint' }, t('pt.bg.lead')),
    h('label', { for: 'bg-reason-input', class: 'strong' }, t('pt.bg.reason')),
    reason, count, err,
    h('div', { class: 'row-actions' }, submit,
      h('a', { href: '#/patients', class: 'secondary' }, t('common.cancel'))));
  reason.id = 'bg-reason-input';
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = reason.value.trim();
    if (text.length < REASON_MIN) {
      err.textContent = t('pt.bg.tooShort', { n: REASON_MIN });
      err.dataset.code = 'reason_required';
      reason.focus();
      return;
    }
    busy(submit, async () => {
      showError(err, null);
      try {
        const data = await api('POST', `/patients/${enc(route.id)}/break-glass`, { reason: text });
        rememberGrant(route.id, data.grant && data.grant.expires_at);
        location.hash = `#/patients/${enc(route.id)}`;
      } catch (e) {
        showError(err, e);
      }
    });
  });
  root.replaceChildren(h('div', { class: 'pt-page', testid: 'break-glass-page' },
    h('h1', { class: 'page-title' }, t('pt.bg.title')),
    mayBreakGlass() ? form : h('p', { class: 'form-error', role: 'alert', testid: 'bg-forbidden' }, t('pt.bg.forbidden'))));
  if (mayBreakGlass()) reason.focus();
}

/** #/patients/<id>/access-history */
export async function renderAccessHistory(root, route, ctx) {
  const box = h('div', { class: 'pt-page', testid: 'access-page', dataset: { state: 'loading' } }, h('p', { class: 'muted' }, t('common.loading')));
  root.replaceChildren(box);
  let accesses;
  let patient = null;
  try {
    const data = await api('GET', `/patients/${enc(route.id)}/access-history`);
    accesses = (data && data.accesses) || [];
    patient = await api('GET', `/patients/${enc(route.id)}`).then((d) => d.patient).catch(() => null);
  } catch (e) {
    if (!ctx.alive) return;
    box.replaceChildren(notFoundPage(route.id, e));
    box.dataset.state = 'error';
    return;
  }
  if (!ctx.alive) return;
  const rows = accesses.map((a) => h('tr', { testid: 'access-row', dataset: { action: a.action || '', outcome: a.outcome || '', userId: (a.user && a.user.id) || '' } },
    h('td', {}, timeEl(a.at)),
    h('td', { testid: 'access-user' }, (a.user && a.user.name) || ''),
    h('td', {}, actionLabel(a.action)),
    h('td', { class: 'small' }, a.route || ''),
    h('td', { class: 'small' }, a.entry_id ? h('a', { href: `#/patients/${enc(route.id)}/entries/${enc(a.entry_id)}` }, t('pt.access.entry')) : ''),
    h('td', { class: 'small' }, a.address || ''),
    h('td', { testid: 'access-outcome' }, h('span', { class: `tag${a.outcome === 'ok' ? '' : ' tag-off'}` }, outcomeLabel(a.outcome)))));
  box.replaceChildren(...[
    h('nav', { class: 'page-links' },
      patient ? h('a', { href: `#/patients/${enc(route.id)}`, testid: 'access-back' }, t('pt.access.back', { name: patient.name })) : null,
      h('a', { href: '#/patients' }, t('pt.backToList'))),
    h('h1', { class: 'page-title' }, t('pt.access.title')),
    h('p', { class: 'muted small' }, t('pt.access.lead')),
    h('p', {}, h('a', {
      href: `/api/v1/patients/${enc(route.id)}/access-history?format=csv`, download: `access-history-${route.id}.csv`,
      class: 'secondary button-link', testid: 'access-csv',
    }, t('pt.access.csv'))),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data-table', testid: 'access-table', dataset: { count: String(accesses.length) } },
      h('thead', {}, h('tr', {}, ...['at', 'user', 'action', 'route', 'entry', 'address', 'outcome'].map((c) => h('th', { scope: 'col' }, t(`pt.access.${c}`))))),
      h('tbody', {}, ...rows))),
    accesses.length ? null : h('p', { class: 'muted' }, t('pt.access.none')),
  ].filter(Boolean));
  box.dataset.state = 'loaded';
}
