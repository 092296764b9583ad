// Japanese by default, English on request; the choice is kept in the
// person's profile, so it survives a reload and follows them to another
// browser.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, closeBrowser, newPage, login, byTestId, API_PREFIX, DEMO,
} from './lib/browser.mjs';

let browser;

before(async () => { browser = await startBrowser(); }, { timeout: 60_000 });
after(() => closeBrowser(browser));

/** Wait until the logged-in page is shown in language l. */
async function shownIn(page, l) {
  const menu = { ja: '名簿', en: 'Directory' }[l];
  await page.locator(`html[lang="${l}"]`).waitFor({ state: 'attached' });
  await byTestId(page, 'user-name').waitFor({ state: 'visible' });
  await page.locator('[data-testid="nav-people"]', { hasText: menu }).waitFor({ state: 'visible' });
  assert.equal(await byTestId(page, `lang-${l}`).getAttribute('aria-pressed'), 'true');
}

test('English is kept per user across reloads and browsers; Japanese comes back',
  { timeout: 120_000 }, async () => {
    const page = await newPage(browser);
    let other = null;
    try {
      await login(page, DEMO.kato.email);
      await shownIn(page, 'ja');

      await byTestId(page, 'lang-en').click();
      await shownIn(page, 'en');
      assert.equal(await byTestId(page, 'logout').textContent(), 'Log out');

      await page.reload();
      await shownIn(page, 'en');

      // Another browser (no local memory of the choice) after login.
      other = await newPage(browser);
      await login(other, DEMO.kato.email);
      await shownIn(other, 'en');

      await byTestId(page, 'lang-ja').click();
      await shownIn(page, 'ja');
      await page.reload();
      await shownIn(page, 'ja');

      assert.deepEqual(page.carelinkErrors, [], 'no script errors');
      assert.deepEqual(other.carelinkErrors, [], 'no script errors in the other browser');
    } finally {
      // Leave the demo user in Japanese whatever happened above.
      await page.evaluate(async (prefix) => {
        const me = await (await fetch(`${prefix}/me`)).json().catch(() => null);
        if (!me || !me.csrf) return;
        await fetch(`${prefix}/me/profile`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
          body: JSON.stringify({ language: 'ja' }),
        });
      }, API_PREFIX).catch(() => {});
      await page.context().close();
      if (other) await other.context().close();
    }
  });
