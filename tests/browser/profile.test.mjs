// The profile page feeds the directory; the API tokens page issues a secret
// shown once that a machine client can use until it is revoked.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, closeBrowser, newPage, login, byTestId, openNav, baseUrl, API_PREFIX,
  DEMO,
} from './lib/browser.mjs';

let browser;

before(async () => { browser = await startBrowser(); }, { timeout: 60_000 });
after(() => closeBrowser(browser));

test('what a person writes on their profile page is what others see in the directory',
  { timeout: 120_000 }, async () => {
    const kato = await newPage(browser);
    const tanaka = await newPage(browser);
    try {
      await login(kato, DEMO.kato.email);
      await openNav(kato, 'nav-profile');
      await kato.locator('form[data-state="loaded"] [data-testid="profile-phone"]').waitFor({ state: 'attached' });
      const help = `成年後見の相談 ${Date.now().toString(36)}`;
      await byTestId(kato, 'profile-phone').fill('0120-111-222');
      await byTestId(kato, 'profile-areas').fill('北地区、南地区');
      await byTestId(kato, 'profile-help').fill(help);
      await byTestId(kato, 'profile-save').click();
      await byTestId(kato, 'profile-ok').waitFor({ state: 'visible' });

      await login(tanaka, DEMO.tanaka.email);
      await openNav(tanaka, 'nav-people');
      await byTestId(tanaka, 'people-search').fill('成年後見');
      await tanaka.locator('[data-testid="people-list"][data-state="loaded"][data-query="成年後見"]')
        .waitFor({ state: 'attached' });
      const entry = byTestId(tanaka, 'person-item').filter({ hasText: DEMO.kato.name });
      await entry.waitFor({ state: 'visible' });
      await entry.locator('[data-testid="person-link"]').click();
      const card = tanaka.locator('[data-testid="profile-card"][open][data-state="loaded"]');
      await card.waitFor({ state: 'visible' });
      assert.equal((await card.locator('[data-testid="card-phone"]').textContent()).trim(), '0120-111-222');
      assert.equal((await card.locator('[data-testid="card-areas"]').textContent()).trim(), '北地区、南地区');
      assert.equal((await card.locator('[data-testid="card-help"]').textContent()).trim(), help);

      assert.deepEqual(kato.carelinkErrors, [], 'no script errors in kato\'s page');
      assert.deepEqual(tanaka.carelinkErrors, [], 'no script errors in tanaka\'s page');
    } finally {
      await kato.context().close();
      await tanaka.context().close();
    }
  });

test('an API token is shown once, works for its scope, and stops working when revoked',
  { timeout: 120_000 }, async () => {
    const admin = await newPage(browser);
    try {
      await login(admin, DEMO.suzuki.email);
      await byTestId(admin, 'nav-tokens').waitFor({ state: 'visible' });
      await openNav(admin, 'nav-tokens');
      const name = `消防 指令システム ${Date.now().toString(36)}`;
      await byTestId(admin, 'token-new-name').fill(name);
      await byTestId(admin, 'token-scope-feed-read').check();
      await byTestId(admin, 'token-create').click();
      const secretField = byTestId(admin, 'token-secret');
      await secretField.waitFor({ state: 'visible' });
      const secret = await secretField.inputValue();
      assert.ok(secret.length >= 20, 'a secret is shown');

      const row = byTestId(admin, 'token-row').filter({ hasText: name });
      await row.waitFor({ state: 'visible' });
      assert.equal(await row.innerText().then((s) => s.includes(secret)), false, 'the list never shows the secret');

      // A machine client, outside any browser session.
      const feed = async () => (await fetch(`${baseUrl()}${API_PREFIX}/feed`, {
        headers: { Authorization: `Bearer ${secret}` },
      })).status;
      assert.equal(await feed(), 200, 'the token reads the feed');

      await row.locator('[data-testid="token-revoke"]').click();
      await row.locator('[data-testid="token-revoke-confirm"]').click();
      await row.locator('[data-testid="token-revoke"]').waitFor({ state: 'detached' });
      assert.equal(await feed(), 401, 'a revoked token is refused');

      // Leaving and coming back does not show the secret again.
      await openNav(admin, 'nav-home');
      await byTestId(admin, 'tokens-list').waitFor({ state: 'detached' });
      await openNav(admin, 'nav-tokens');
      await admin.locator('[data-testid="tokens-list"][data-state="loaded"]').waitFor({ state: 'attached' });
      assert.equal(await byTestId(admin, 'token-secret').count(), 0);

      assert.deepEqual(admin.carelinkErrors, [], 'no script errors');
    } finally {
      await admin.context().close();
    }
  });
