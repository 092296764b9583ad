// The language switch (日本語 / English): kept in the person's profile, so it
// follows them to every browser.

import { h } from './dom.js';
import { lang, setLang, LANGUAGES } from './i18n.js';
import { api, session } from './api.js';

const NAMES = { ja: '日本語', en: 'English' };

/**
 * Remember the choice in the profile, then switch the page: what is shown
 * is what the next login will show too.
 */
export async function changeLanguage(l) {
  if (session.user) {
    await api('PATCH', '/me/profile', { language: l });
    if (session.user) session.user.language = l;
  }
  setLang(l);
}

/** Two buttons, 日本語 and English; the current one is pressed. */
export function languageSwitch(prefix, onError) {
  const group = h('div', { class: 'lang-switch', role: 'group', 'aria-label': 'Language / 言語', testid: `${prefix}` });
  for (const l of LANGUAGES) {
    const b = h('button', { type: 'button', lang: l, testid: `${prefix}-${l}`, 'aria-pressed': String(lang() === l) }, NAMES[l]);
    b.addEventListener('click', async () => {
      if (lang() === l) return;
      try {
        await changeLanguage(l);
      } catch (e) {
        if (onError) onError(e);
      }
    });
    group.append(b);
  }
  return group;
}

/** Mark the current language's button pressed in every switch. */
export function markLanguage() {
  for (const b of document.querySelectorAll('.lang-switch button')) {
    b.setAttribute('aria-pressed', String(b.lang === lang()));
  }
}
