// One alert (#/alerts/<id>): what it says, where and for whom, its photo,
// its timeline and who acknowledged (refreshed live: on every alert
// notification of it, and for its raiser on every `alert_acknowledged`
// notification; polled every few seconds as a fallback while it is
// active), my acknowledgement, and for its managers (the raiser, alert
// managers of the raiser's organisation, tenant admins) update, photo,
// resolve and cancel.

import { h, enc, timeEl, busy, errorLine, announce } from './dom.js';
import { t } from './i18n.js';
import { api, session, hasRole, ApiError } from './api.js';
import {
  alertsFrame, kindLabel, severityTag, statusTag, personText, showError, onAlertNews, actionLabel,
  SEVERITIES, severityLabel, photoPicker, uploadPhoto,
} from './alerts.js';
import { areaText, audienceText } from './alertform.js';
import { getOrganisations } from './orgs.js';
import { refreshAlertBanner } from './alertbanner.js';

// live notifications do the work; the poll only covers a lost stream
const POLL_MS = 10000;

function mayManage(a) {
  const u = session.user;
  if (!u || !a) return false;
  if (hasRole('tenant_admin')) return true;
  if (a.raised_by && a.raised_by.id === u.id) return true;
  const org = a.raised_by && a.raised_by.organisation && a.raised_by.organisation.id;
  return hasRole('alert_manager') && !!u.organisation && u.organisation.id === org;
}

function audienceHas(aud, u) {
  return !!aud && (aud.everyone || (aud.organisations || []).includes(u.organisation && u.organisation.id)
    || (aud.professions || []).includes(u.profession));
}

/** Whether the person is in the alert's effective audience (who may acknowledge). */
function inAudience(a) {
  const u = session.user;
  if (!u) return false;
  if (audienceHas(a.audience, u)) return true;
  return (a.escalation || []).slice(0, a.escalation_level || 0).some((l) => audienceHas(l.audience, u));
}

function facts(a, orgNames) {
  const row = (label, value, testid) => h('div', { class: 'card-row' }, h('dt', {}, label), h('dd', { testid }, value));
  return h('dl', { class: 'record-values alert-facts' },
    row(t('alerts.field.kind'), kindLabel(a.kind), 'alert-kind'),
    row(t('alerts.field.severity'), severityTag(a.severity), 'alert-severity-row'),
    row(t('alerts.field.status'), statusTag(a.status), 'alert-status-row'),
    row(t('alerts.field.description'), h('span', { class: 'pre-wrap' }, a.description || ''), 'alert-description'),
    a.instruction ? row(t('alerts.field.instruction'), h('span', { class: 'pre-wrap' }, a.instruction), 'alert-instruction') : null,
    row(t('alerts.field.area'), areaText(a.area), 'alert-area'),
    row(t('alerts.field.audience'), audienceText(a.audience, orgNames), 'alert-audience'),
    row(t('alerts.field.requiresAck'), a.requires_ack ? t('alerts.yes') : t('alerts.no'), 'alert-requires-ack'),
    (a.escalation || []).length ? row(t('alerts.field.escalation'), h('ol', { class: 'alert-levels' },
      ...a.escalation.map((l, i) => h('li', { dataset: { reached: String(i < (a.escalation_level || 0)) } },
        t('alerts.levelText', { minutes: l.after_minutes, audience: audienceText(l.audience, orgNames) }),
        i < (a.escalation_level || 0) ? h('span', { class: 'tag' }, t('alerts.reached')) : null))), 'alert-escalation') : null,
    row(t('alerts.field.raisedBy'), h('span', {}, personText(a.raised_by), ' ', timeEl(a.raised_at)), 'alert-raised-by'),
    a.ended_at ? row(t('alerts.field.endedAt'), timeEl(a.ended_at), 'alert-ended-at') : null,
    row(t('alerts.field.version'), String(a.version || 1), 'alert-version'));
}

/** The photo, its URL changing with its content (so a replaced one shows). */
function photoView(a) {
  if (!a.photo) return null;
  const src = `${a.photo.url}?v=${encodeURIComponent(String(a.photo.sha1 || '').slice(0, 12))}`;
  return h('section', { class: 'card page-section', testid: 'alert-photo-section' },
    h('h2', { class: 'section-title' }, t('alerts.field.photo')),
    h('a', { href: src, target: '_blank', rel: 'noopener' },
      h('img', { class: 'alert-photo', src, alt: t('alerts.photoAlt', { title: a.title || '' }), testid: 'alert-photo',
        dataset: { sha1: a.photo.sha1 || '' } })));
}

function photoBox(a, reload) {
  const picker = photoPicker('alert-photo-upload');
  const btn = h('button', { type: 'button', class: 'secondary', testid: 'alert-photo-upload' },
    a.photo ? t('alerts.photoReplace') : t('alerts.photoAdd'));
  btn.addEventListener('click', () => busy(btn, async () => {
    const file = picker.file();
    if (!file) { if (!picker.refused()) picker.say('alerts.photoChoose'); return; }
    try {
      const alert = await uploadPhoto(a.id, file);
      announce(t('alerts.photoSent'));
      reload(alert);
    } catch (e) {
      picker.showError(e);
    }
  }));
  return h('div', { class: 'field alert-photo-box' }, h('span', { class: 'label' }, t('alerts.field.photo')),
    picker.el, h('div', { class: 'form-actions' }, btn));
}

function acknowledgements(a) {
  const acks = a.acknowledgements || [];
  return h('section', { class: 'card page-section', testid: 'alert-acks', dataset: { count: String(acks.length) } },
    h('h2', { class: 'section-title' }, t('alerts.acksTitle', { n: acks.length })),
    acks.length ? h('ul', { class: 'alert-ack-list' }, ...acks.map((x) => h('li', {
      testid: 'alert-ack', dataset: { userId: String((x.user && x.user.id) || '') },
    }, h('span', { class: 'strong' }, personText(x.user)), ' ', timeEl(x.at))))
      : h('p', { class: 'muted', testid: 'alert-acks-none' }, t('alerts.acksNone')));
}

function timeline(a) {
  return h('section', { class: 'card page-section', testid: 'alert-timeline' },
    h('h2', { class: 'section-title' }, t('alerts.timeline')),
    h('ol', { class: 'alert-timeline' }, ...(a.timeline || []).map((e) => h('li', {
      testid: 'alert-timeline-item', dataset: { action: e.action || '' },
    }, timeEl(e.at), ' ', h('span', { class: 'strong' }, actionLabel(e.action)),
    e.by ? ` ・ ${e.by.name || ''}` : '', e.note ? h('span', { class: 'pre-wrap alert-note' }, ` ${e.note}`) : null))));
}

function ackBox(a, reload) {
  if (a.status !== 'active' || a.acknowledged_by_me) {
    return a.acknowledged_by_me ? h('p', { class: 'ok', testid: 'alert-acked-by-me' }, t('alerts.ackedByMe')) : null;
  }
  if (!a.requires_ack || !inAudience(a)) return null;
  const note = h('input', { type: 'text', maxlength: '500', testid: 'alert-ack-note', 'aria-label': t('alerts.note') });
  const err = errorLine('alert-ack-error');
  const btn = h('button', { type: 'button', class: 'primary', testid: 'alert-ack' }, t('alerts.ack'));
  btn.addEventListener('click', () => busy(btn, async () => {
    showError(err, null);
    try {
      const body = note.value.trim() ? { note: note.value.trim() } : {};
      const data = await api('POST', `/alerts/${enc(a.id)}/ack`, body);
      announce(t('alerts.acked'));
      refreshAlertBanner();
      reload(data && data.alert);
    } catch (e) {
      showError(err, e, 'alerts.ackFailed');
    }
  }));
  return h('div', { class: 'form-actions alert-ack-box' }, note, btn, err);
}

function manageBox(a, reload) {
  if (a.status !== 'active' || !mayManage(a)) return null;
  const err = errorLine('alert-manage-error');
  const sev = h('select', { testid: 'alert-edit-severity' }, ...SEVERITIES.map((s) => h('option', { value: s }, severityLabel(s))));
  sev.value = a.severity;
  const title = h('input', { type: 'text', maxlength: '100', value: a.title || '', testid: 'alert-edit-title' });
  const desc = h('textarea', { rows: '3', maxlength: '4000', testid: 'alert-edit-description' });
  desc.value = a.description || '';
  const instr = h('textarea', { rows: '2', maxlength: '1000', testid: 'alert-edit-instruction' });
  instr.value = a.instruction || '';
  const note = h('input', { type: 'text', maxlength: '500', testid: 'alert-edit-note' });
  const id = `alert-edit-${Math.random().toString(36).slice(2, 8)}`;
  const fieldOf = (key, label, control) => h('div', { class: 'field' }, h('label', { for: `${id}-${key}` }, label),
    Object.assign(control, { id: `${id}-${key}` }));
  const send = (what, body, confirmKey) => async (ev) => {
    if (confirmKey && !window.confirm(t(confirmKey))) return;
    await busy(ev.currentTarget, async () => {
      showError(err, null);
      try {
        const data = await api(what === 'update' ? 'PATCH' : 'POST',
          what === 'update' ? `/alerts/${enc(a.id)}` : `/alerts/${enc(a.id)}/${what}`, body());
        announce(t(`alerts.done.${what}`));
        reload(data && data.alert);
      } catch (e) {
        showError(err, e);
      }
    });
  };
  const withNote = (o) => (note.value.trim() ? { ...o, note: note.value.trim() } : o);
  const changes = () => {
    const o = {};
    if (sev.value !== a.severity) o.severity = sev.value;
    if (title.value.trim() !== (a.title || '')) o.title = title.value.trim();
    if (desc.value.trim() !== (a.description || '')) o.description = desc.value.trim();
    if (instr.value.trim() !== (a.instruction || '')) o.instruction = instr.value.trim();
    return withNote(o);
  };
  return h('section', { class: 'card page-section', testid: 'alert-manage' },
    h('h2', { class: 'section-title' }, t('alerts.manage')),
    fieldOf('severity', t('alerts.field.severity'), sev),
    fieldOf('title', t('alerts.field.title'), title),
    fieldOf('description', t('alerts.field.description'), desc),
    fieldOf('instruction', t('alerts.field.instruction'), instr),
    fieldOf('note', t('alerts.note'), note),
    photoBox(a, reload),
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'primary', testid: 'alert-update', onclick: send('update', changes) }, t('alerts.update')),
      h('button', { type: 'button', class: 'secondary', testid: 'alert-resolve', onclick: send('resolve', () => withNote({}), 'alerts.resolveConfirm') },
        t('alerts.resolve')),
      h('button', { type: 'button', class: 'secondary danger', testid: 'alert-cancel', onclick: send('cancel', () => withNote({}), 'alerts.cancelConfirm') },
        t('alerts.cancel'))),
    err);
}

/** #/alerts/<id> */
export function renderAlertDetail(root, route, ctx) {
  const box = h('div', { testid: 'alert-detail', dataset: { state: 'loading', id: String(route.id) } },
    h('p', { class: 'muted' }, t('common.loading')));
  root.replaceChildren(alertsFrame('', 'alerts-page', session.user, box));
  let orgNames = new Map();
  let current = null;
  let seq = 0;
  let timer = null;
  // one slot per part; the acknowledgement box is only rebuilt when the
  // status, level or my acknowledgement change, the management box when the
  // version or status do, so that a refresh loses nothing typed into them
  // (nor the focus)
  const slots = {};
  for (const k of ['head', 'ack', 'facts', 'photo', 'acks', 'timeline', 'manage']) slots[k] = h('div', { class: `alert-slot-${k}` });
  let kept = { ack: null, manage: null, photo: null };
  function show(a) {
    current = a;
    box.dataset.state = 'loaded';
    box.dataset.status = a.status || '';
    box.dataset.acks = String((a.acknowledgements || []).length);
    if (!box.contains(slots.head)) box.replaceChildren(...Object.values(slots));
    slots.head.replaceChildren(h('header', { class: 'alert-detail-head' }, severityTag(a.severity), statusTag(a.status),
      h('h2', { class: 'alert-title', testid: 'alert-title' }, a.title || '')));
    slots.facts.replaceChildren(facts(a, orgNames));
    slots.acks.replaceChildren(acknowledgements(a));
    slots.timeline.replaceChildren(timeline(a));
    const ackKey = `${a.status}|${a.acknowledged_by_me}|${a.escalation_level}`;
    const manageKey = `${a.version}|${a.status}`;
    const photoKey = a.photo ? a.photo.sha1 : '';
    if (kept.ack !== ackKey) slots.ack.replaceChildren(...[ackBox(a, reload)].filter(Boolean));
    if (kept.manage !== manageKey) slots.manage.replaceChildren(...[manageBox(a, reload)].filter(Boolean));
    if (kept.photo !== photoKey) slots.photo.replaceChildren(...[photoView(a)].filter(Boolean));
    kept = { ack: ackKey, manage: manageKey, photo: photoKey };
  }
  async function reload(given) {
    if (given && given.id) { show(given); return; }
    const mine = ++seq;
    try {
      const a = (await api('GET', `/alerts/${enc(route.id)}`)).alert;
      if (!ctx.alive || mine !== seq) return;
      show(a);
    } catch (e) {
      if (!ctx.alive || mine !== seq) return;
      if (current && !(e instanceof ApiError && e.status === 404)) return; // a passing failure: keep what is shown
      box.replaceChildren(h('p', { class: 'form-error', role: 'alert', testid: 'alert-error', dataset: { code: e.code || '' } },
        e instanceof ApiError && e.status === 404 ? t('alerts.notFound') : t('alerts.loadFailed')));
      box.dataset.state = 'error';
    }
  }
  onAlertNews(ctx, (n) => {
    if (typeof n.link !== 'string' || n.link.endsWith(`/alerts/${route.id}`)) reload();
  });
  timer = setInterval(() => {
    if (!ctx.alive) { clearInterval(timer); return; }
    if (!current || current.status === 'active') reload();
  }, POLL_MS);
  getOrganisations().then((orgs) => {
    orgNames = new Map(orgs.map((o) => [o.id, o.name]));
    if (ctx.alive && current) show(current);
  }).catch(() => {});
  reload();
}
