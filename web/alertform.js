// The alert creation form (#/alerts/new): kind, severity, title,
// description, instruction; the area (districts, a circle "lat,lng,radius
// km" or a closed polygon of "lat,lng" points, one per line); the audience
// (everyone, or organisations and professions); whether acknowledgement is
// required; up to three escalation levels; a photo (JPEG or PNG up to 5
// MiB, previewed, uploaded right after the alert is raised). POST /alerts
// (and PUT /alerts/<id>/photo), then the alert's page. Also the texts of an
// area and an audience the detail page shows.

import { h, busy, errorLine, announce, enc } from './dom.js';
import { t, professionLabel, PROFESSIONS } from './i18n.js';
import { api, session } from './api.js';
import { getOrganisations } from './orgs.js';
import {
  alertsFrame, KINDS, SEVERITIES, kindLabel, severityLabel, showError, mayRaise, photoPicker, uploadPhoto,
} from './alerts.js';

const MAX_LEVELS = 3;

/** An area as one line of text. */
export function areaText(area) {
  if (!area) return '';
  const parts = [];
  if (area.districts && area.districts.length) parts.push(area.districts.join('、'));
  if (area.circle) parts.push(t('alerts.circleText', { lat: area.circle.lat, lng: area.circle.lng, r: area.circle.radius_km }));
  if (area.polygon && area.polygon.length) parts.push(t('alerts.polygonText', { n: area.polygon.length }));
  return parts.join(' ・ ');
}

/** An audience as one line of text; orgNames maps organisation ids to names. */
export function audienceText(aud, orgNames = new Map()) {
  if (!aud) return '';
  if (aud.everyone) return t('alerts.everyone');
  const parts = [...(aud.organisations || []).map((id) => orgNames.get(id) || id),
    ...(aud.professions || []).map(professionLabel)];
  return parts.join('、');
}

/** "lat,lng,radius_km" → {lat, lng, radius_km}; '' → null; else undefined. */
export function parseCircle(text) {
  const s = text.trim();
  if (!s) return null;
  const n = s.split(/[\s,、]+/).filter(Boolean).map(Number);
  if (n.length !== 3 || n.some((x) => !Number.isFinite(x))) return undefined;
  return { lat: n[0], lng: n[1], radius_km: n[2] };
}

/** "lat,lng" points, one per line (or separated by spaces) → [[lat,lng],...]; '' → null; else undefined. */
export function parsePolygon(text) {
  const s = text.trim();
  if (!s) return null;
  const points = [];
  for (const p of s.split(/[\n\s]+/).filter(Boolean)) {
    const n = p.split(',').map(Number);
    if (n.length !== 2 || n.some((x) => !Number.isFinite(x))) return undefined;
    points.push(n);
  }
  return points;
}

/** The audience chooser: everyone, organisations, professions; {el, value()}. */
function audienceChooser(prefix, orgs, legend) {
  const everyone = h('input', { type: 'checkbox', testid: `${prefix}-everyone` });
  const orgBoxes = orgs.map((o) => h('input', { type: 'checkbox', value: o.id, testid: `${prefix}-org`, dataset: { id: String(o.id) } }));
  const profBoxes = PROFESSIONS.map((p) => h('input', { type: 'checkbox', value: p, testid: `${prefix}-prof-${p}` }));
  const group = (title, boxes, labelOf) => h('fieldset', { class: 'alert-checks' }, h('legend', {}, title),
    h('div', { class: 'inline-checks' }, ...boxes.map((b) => h('label', { class: 'check' }, b, ` ${labelOf(b.value)}`))));
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const detail = h('div', { class: 'alert-audience-detail' },
    group(t('alerts.field.organisations'), orgBoxes, (id) => orgName.get(id) || id),
    group(t('alerts.field.professions'), profBoxes, professionLabel));
  everyone.addEventListener('change', () => { detail.hidden = everyone.checked; });
  const el = h('fieldset', { class: 'alert-audience', testid: prefix }, h('legend', {}, legend),
    h('label', { class: 'check strong' }, everyone, ` ${t('alerts.everyone')}`), detail);
  return {
    el,
    value: () => (everyone.checked ? { everyone: true, organisations: [], professions: [] } : {
      everyone: false,
      organisations: orgBoxes.filter((b) => b.checked).map((b) => b.value),
      professions: profBoxes.filter((b) => b.checked).map((b) => b.value),
    }),
  };
}

/** #/alerts/new */
export async function renderAlertForm(root, route, ctx) {
  if (!mayRaise(session.user)) {
    root.replaceChildren(alertsFrame('new', 'alerts-page', session.user,
      h('p', { class: 'form-error', role: 'alert', testid: 'alert-error' }, t('alerts.mayNotRaise'))));
    return;
  }
  let orgs = [];
  try { orgs = await getOrganisations(); } catch { orgs = []; }
  if (!ctx.alive) return;
  const id = 'alert-new';
  const fieldOf = (key, label, control, hint) => {
    control.id = `${id}-${key}`;
    return h('div', { class: 'field' }, h('label', { for: control.id }, label), control,
      hint ? h('p', { class: 'muted small hint' }, hint) : null);
  };
  const kind = h('select', { testid: 'alert-kind-input' }, ...KINDS.map((k) => h('option', { value: k }, kindLabel(k))));
  const severity = h('select', { testid: 'alert-severity-input' }, ...SEVERITIES.map((s) => h('option', { value: s }, severityLabel(s))));
  severity.value = 'severe';
  const title = h('input', { type: 'text', maxlength: '100', required: true, testid: 'alert-title-input' });
  const description = h('textarea', { rows: '4', maxlength: '4000', required: true, testid: 'alert-description-input' });
  const instruction = h('textarea', { rows: '2', maxlength: '1000', testid: 'alert-instruction-input' });
  const districts = h('input', { type: 'text', testid: 'alert-districts-input', placeholder: t('alerts.districtsPlaceholder') });
  const circle = h('input', { type: 'text', testid: 'alert-circle-input', placeholder: '35.69,139.33,2' });
  const polygon = h('textarea', { rows: '3', testid: 'alert-polygon-input', placeholder: '35.69,139.33\n35.70,139.34\n35.68,139.35\n35.69,139.33' });
  const audience = audienceChooser('alert-audience', orgs, t('alerts.field.audience'));
  const requiresAck = h('input', { type: 'checkbox', checked: true, testid: 'alert-requires-ack-input' });
  const levels = [];
  const levelBox = h('div', { class: 'alert-levels-form', testid: 'alert-levels' });
  const addLevel = h('button', { type: 'button', class: 'secondary small-btn', testid: 'alert-level-add' }, t('alerts.levelAdd'));
  addLevel.addEventListener('click', () => {
    if (levels.length >= MAX_LEVELS) return;
    const n = levels.length + 1;
    const minutes = h('input', { type: 'number', min: '1', max: '1440', value: String(10 * n), testid: `alert-level-${n}-minutes` });
    const aud = audienceChooser(`alert-level-${n}`, orgs, t('alerts.levelAudience'));
    const remove = h('button', { type: 'button', class: 'link-button', testid: `alert-level-${n}-remove` }, t('alerts.levelRemove'));
    const el = h('fieldset', { class: 'card alert-level', testid: 'alert-level' },
      h('legend', {}, t('alerts.levelN', { n })),
      h('label', {}, t('alerts.afterMinutes'), ' ', minutes), aud.el, remove);
    const level = { el, value: () => ({ after_minutes: Number(minutes.value), audience: aud.value() }) };
    remove.addEventListener('click', () => {
      levels.splice(levels.indexOf(level), 1);
      el.remove();
      addLevel.hidden = levels.length >= MAX_LEVELS;
    });
    levels.push(level);
    levelBox.append(el);
    addLevel.hidden = levels.length >= MAX_LEVELS;
  });
  const photo = photoPicker('alert-photo');
  const err = errorLine('alert-form-error');
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'alert-submit' }, t('alerts.submit'));
  const form = h('form', { class: 'card page-section alert-form', testid: 'alert-form', novalidate: true },
    h('div', { class: 'alert-form-row' }, fieldOf('kind', t('alerts.field.kind'), kind),
      fieldOf('severity', t('alerts.field.severity'), severity)),
    fieldOf('title', t('alerts.field.title'), title),
    fieldOf('description', t('alerts.field.description'), description),
    fieldOf('instruction', t('alerts.field.instruction'), instruction),
    h('div', { class: 'field' }, h('span', { class: 'label' }, t('alerts.field.photo')), photo.el,
      h('p', { class: 'muted small' }, t('alerts.photoHint'))),
    h('fieldset', { class: 'alert-area-form' }, h('legend', {}, t('alerts.field.area')),
      fieldOf('districts', t('alerts.field.districts'), districts, t('alerts.districtsHint')),
      fieldOf('circle', t('alerts.field.circle'), circle, t('alerts.circleHint')),
      fieldOf('polygon', t('alerts.field.polygon'), polygon, t('alerts.polygonHint'))),
    audience.el,
    h('label', { class: 'check' }, requiresAck, ` ${t('alerts.field.requiresAck')}`),
    h('fieldset', { class: 'alert-escalation-form' }, h('legend', {}, t('alerts.field.escalation')),
      h('p', { class: 'muted small' }, t('alerts.escalationHint')), levelBox, addLevel),
    err,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      showError(err, null);
      const c = parseCircle(circle.value);
      const p = parsePolygon(polygon.value);
      if (c === undefined) { err.textContent = t('alerts.badCircle'); err.dataset.code = 'invalid_area'; return; }
      if (p === undefined) { err.textContent = t('alerts.badPolygon'); err.dataset.code = 'invalid_area'; return; }
      if (photo.refused()) { err.textContent = t('alerts.photoFix'); err.dataset.code = 'invalid_photo'; return; }
      const body = {
        kind: kind.value,
        severity: severity.value,
        title: title.value.trim(),
        description: description.value.trim(),
        instruction: instruction.value.trim(),
        area: {
          districts: districts.value.split(/[,、\s]+/).map((s) => s.trim()).filter(Boolean),
          circle: c,
          polygon: p,
        },
        audience: audience.value(),
        requires_ack: requiresAck.checked,
      };
      if (levels.length) body.escalation = levels.map((l) => l.value());
      let data;
      try {
        data = await api('POST', '/alerts', body);
      } catch (e) {
        showError(err, e);
        return;
      }
      announce(t('alerts.raised'));
      const file = photo.file();
      if (file) {
        // the alert is out already: a failed photo is told, and can be
        // sent again from the alert's page
        try {
          await uploadPhoto(data.alert.id, file);
        } catch (e) {
          announce(t('alerts.photoFailedAfterRaise'));
        }
      }
      location.hash = `#/alerts/${enc(data.alert.id)}`;
    });
  });
  root.replaceChildren(alertsFrame('new', 'alerts-page', session.user,
    h('h2', { class: 'section-title' }, t('alerts.newTitle')), form));
  title.focus();
}
