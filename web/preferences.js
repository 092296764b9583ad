// The notification preferences page (#/preferences): urgent-only mode,
// quiet hours (Japan time), and the muted spaces and threads with unmute.
// The whole object is stored at once (PUT /preferences); a refusal
// (400 invalid_preferences) is shown next to the field it names.

import { h, field, section, errorLine, busy, enc } from './dom.js';
import { t } from './i18n.js';
import { api, errorText, ApiError } from './api.js';
import { getPrefs, savePrefs } from './prefs.js';

const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The field a refusal's message names: 'urgent_only', 'quiet_hours', 'mutes' or null. */
function fieldOf(e) {
  const m = String((e && e.message) || '');
  if (/quiet/i.test(m)) return 'quiet_hours';
  if (/mute/i.test(m)) return 'mutes';
  if (/urgent/i.test(m)) return 'urgent_only';
  return null;
}

async function nameOf(m) {
  try {
    if (m.kind === 'space') {
      const d = await api('GET', `/spaces/${enc(m.id)}`);
      return (d && (d.space || d).name) || m.id;
    }
    const d = await api('GET', `/threads/${enc(m.id)}/posts?limit=1`);
    return (d && d.thread && d.thread.title) || m.id;
  } catch {
    return m.id;
  }
}

function muteRow(m, onUnmute) {
  const name = h('span', { class: 'prefs-mute-name', testid: 'prefs-mute-name' }, m.id);
  nameOf(m).then((n) => { name.textContent = n; });
  const href = m.kind === 'space' ? `#/spaces/${enc(m.id)}` : `#/threads/${enc(m.id)}`;
  return h('li', { class: 'prefs-mute', testid: 'prefs-mute', dataset: { kind: m.kind, id: m.id } },
    h('span', {}, h('span', { class: 'tag' }, t(`prefs.kind.${m.kind}`)), ' ', h('a', { href }, name)),
    h('button', {
      type: 'button', class: 'secondary small-btn', testid: 'prefs-unmute', onclick: (ev) => onUnmute(m, ev.currentTarget),
    }, t('prefs.unmute')));
}

export function renderPreferences(root, route, ctx) {
  const urgentOnly = h('input', { type: 'checkbox', testid: 'prefs-urgent-only' });
  const quietOn = h('input', { type: 'checkbox', testid: 'prefs-quiet-on' });
  const start = h('input', { type: 'time', testid: 'prefs-quiet-start', step: '60' });
  const end = h('input', { type: 'time', testid: 'prefs-quiet-end', step: '60' });
  const errUrgent = errorLine('prefs-urgent-error');
  const errQuiet = errorLine('prefs-quiet-error');
  const errMutes = errorLine('prefs-mutes-error');
  const err = errorLine('prefs-error');
  const ok = h('p', { class: 'ok', role: 'status', testid: 'prefs-ok', hidden: true });
  const mutes = h('ul', { class: 'prefs-mutes', testid: 'prefs-mutes' });
  const save = h('button', { type: 'submit', class: 'primary', testid: 'prefs-save' }, t('prefs.save'));
  let current = null;

  const paintQuiet = () => {
    start.disabled = !quietOn.checked;
    end.disabled = !quietOn.checked;
  };
  quietOn.addEventListener('change', () => {
    if (quietOn.checked && !start.value && !end.value) { start.value = '22:00'; end.value = '07:00'; }
    paintQuiet();
  });

  const clearErrors = () => {
    for (const el of [errUrgent, errQuiet, errMutes, err]) el.textContent = '';
    ok.hidden = true;
  };
  const showError = (e) => {
    const line = { urgent_only: errUrgent, quiet_hours: errQuiet, mutes: errMutes }[fieldOf(e)] || err;
    line.textContent = errorText(e, 'prefs.saveFailed')
      + (e instanceof ApiError && e.code === 'invalid_preferences' && e.message ? `（${e.message}）` : '');
  };

  const paint = (p) => {
    current = p;
    urgentOnly.checked = p.urgent_only;
    quietOn.checked = !!p.quiet_hours;
    start.value = p.quiet_hours ? p.quiet_hours.start : '';
    end.value = p.quiet_hours ? p.quiet_hours.end : '';
    paintQuiet();
    mutes.replaceChildren(...(p.mutes.length
      ? p.mutes.map((m) => muteRow(m, unmute))
      : [h('li', { class: 'muted', testid: 'prefs-no-mutes' }, t('prefs.noMutes'))]));
  };

  async function store(next, btn) {
    clearErrors();
    return busy(btn, async () => {
      try {
        const stored = await savePrefs(next);
        if (!ctx.alive) return;
        paint(stored);
        ok.textContent = t('prefs.saved');
        ok.hidden = false;
      } catch (e) {
        if (ctx.alive) showError(e);
      }
    });
  }

  function unmute(m, btn) {
    if (!current) return;
    store({ ...current, mutes: current.mutes.filter((x) => !(x.kind === m.kind && x.id === m.id)) }, btn);
  }

  const form = h('form', { class: 'prefs-form', novalidate: true, testid: 'prefs-form', dataset: { state: 'loading' } },
    h('p', { class: 'muted' }, t('prefs.lead')),
    h('div', { class: 'field' },
      h('label', { class: 'check' }, urgentOnly, ` ${t('prefs.urgentOnly')}`),
      h('p', { class: 'muted small hint' }, t('prefs.urgentOnlyHint')), errUrgent),
    h('fieldset', { class: 'field' },
      h('legend', {}, t('prefs.quiet')),
      h('label', { class: 'check' }, quietOn, ` ${t('prefs.quietOn')}`),
      h('div', { class: 'prefs-row' },
        field('prefs-quiet-start-field', t('prefs.quietStart'), start),
        field('prefs-quiet-end-field', t('prefs.quietEnd'), end)),
      h('p', { class: 'muted small hint' }, t('prefs.quietHint')), errQuiet),
    err, ok, save);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!current) return;
    clearErrors();
    let quiet = null;
    if (quietOn.checked) {
      if (!TIME_RE.test(start.value) || !TIME_RE.test(end.value)) {
        errQuiet.textContent = t('prefs.quietBoth');
        return;
      }
      quiet = { start: start.value, end: end.value };
    }
    store({ ...current, urgent_only: urgentOnly.checked, quiet_hours: quiet }, save);
  });

  root.replaceChildren(
    h('h1', { class: 'page-title' }, t('prefs.title')),
    h('div', { class: 'page-grid' },
      section(t('prefs.title'), form),
      section(t('prefs.mutes'), mutes, errMutes)));

  getPrefs(true).then((p) => {
    if (!ctx.alive) return;
    paint(p);
    form.dataset.state = 'loaded';
  }).catch((e) => {
    if (!ctx.alive) return;
    err.textContent = errorText(e, 'prefs.loadFailed');
    form.dataset.state = 'error';
  });
}
