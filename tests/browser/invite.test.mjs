// Onboarding and offboarding through the browser: an administrator invites a
// doctor; the doctor sets a password, must enrol two-factor, logs out and in
// again with a TOTP code; the administrator deactivates them while their page
// is open, and that page returns to the login screen without a reload.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, closeBrowser, newPage, login, submitLogin, loginOutcome, byTestId,
  waitForStream, apiStatus, baseUrl, openNav, enrolTotp, freshTotpCode, markNoReload,
  notReloaded, DEMO,
} from './lib/browser.mjs';
import { totp } from './lib/totp.mjs';

const ORG = '中央居宅介護支援事業所';
const NEW_PASSWORD = 'Mado-no-soto-2026#ume';
const LOGOUT_WITHIN_MS = 10_000;

let browser;

before(async () => { browser = await startBrowser(); }, { timeout: 60_000 });
after(() => closeBrowser(browser));

test('the test\'s TOTP helper gives RFC 6238\'s SHA-1 test vectors', () => {
  const key = Buffer.from('12345678901234567890');
  const vectors = [[59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'],
    [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130']];
  for (const [seconds, code] of vectors) {
    assert.equal(totp(null, { key, nowMs: seconds * 1000, digits: 8 }), code, `T=${seconds}`);
  }
  // the same key as base32, as a page shows it
  assert.equal(totp('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ', { nowMs: 59_000, digits: 8 }), '94287082');
});

/** Show the members of the organisation named `name` on the admin page. */
async function showMembers(admin, name) {
  const select = byTestId(admin, 'org-select');
  await admin.locator('[data-testid="org-select"] option', { hasText: name }).waitFor({ state: 'attached' });
  await select.selectOption({ label: name });
  const orgId = await select.inputValue();
  await admin.locator(`[data-testid="members-list"][data-org-id="${orgId}"][data-state="loaded"]`)
    .waitFor({ state: 'attached' });
  return orgId;
}

test('an invited doctor enrols two-factor, logs in, and is logged out when deactivated',
  { timeout: 240_000 }, async () => {
    const admin = await newPage(browser);
    let user = null;
    try {
      // suzuki (tenant admin) invites a doctor into another organisation.
      assert.equal(await login(admin, DEMO.suzuki.email), DEMO.suzuki.name);
      await byTestId(admin, 'nav-org').waitFor({ state: 'visible' });
      await openNav(admin, 'nav-org');
      const orgId = await showMembers(admin, ORG);

      const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const email = `doctor-${tag}@test.carelink.jp`;
      const name = `試験 医師${tag}`;
      await byTestId(admin, 'invite-new-email').fill(email);
      await byTestId(admin, 'invite-new-profession').selectOption('doctor');
      await byTestId(admin, 'invite-create').click();
      const linkField = byTestId(admin, 'invite-link');
      await linkField.waitFor({ state: 'visible' });
      const link = await linkField.inputValue();
      const url = new URL(link, baseUrl());
      assert.match(url.hash, /^#\/invite\/[^/]+$/, `one-time link: ${link}`);

      // The invited person opens the link in a browser of their own.
      user = await newPage(browser, { path: `${url.pathname}${url.search}${url.hash}` });
      await byTestId(user, 'invite-email').waitFor({ state: 'visible' });
      assert.equal((await byTestId(user, 'invite-email').textContent()).trim(), email);
      assert.equal((await byTestId(user, 'invite-org').textContent()).trim(), ORG);
      await byTestId(user, 'invite-name').fill(name);
      await byTestId(user, 'invite-password').fill(NEW_PASSWORD);
      await byTestId(user, 'invite-password2').fill(NEW_PASSWORD);
      await byTestId(user, 'invite-submit').click();

      // A doctor must enrol two-factor before anything else.
      await byTestId(user, 'enrol-view').waitFor({ state: 'visible' });
      const secret = await enrolTotp(user, email);
      assert.match(secret, /^[A-Z2-7]{16,}$/, 'the secret is base32');
      await byTestId(user, 'user-name').waitFor({ state: 'visible' });
      assert.equal((await byTestId(user, 'user-name').textContent()).trim(), name);

      // Log out, and in again with email, password and a fresh code.
      await byTestId(user, 'logout').click();
      await byTestId(user, 'login-email').waitFor({ state: 'visible' });
      await submitLogin(user, email, NEW_PASSWORD);
      assert.equal(await loginOutcome(user), 'totp', 'the password alone is not enough');
      const code = byTestId(user, 'login-totp');
      assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
      assert.equal(await code.getAttribute('inputmode'), 'numeric');
      await code.fill(await freshTotpCode(email, secret));
      await byTestId(user, 'login-submit').click();
      await byTestId(user, 'user-name').waitFor({ state: 'visible' });
      await byTestId(user, 'feed').waitFor({ state: 'visible' });
      await waitForStream(user);
      await markNoReload(user);

      // suzuki deactivates the new doctor while the doctor's page is open.
      await admin.evaluate((hash) => { location.hash = hash; }, `#/org/${orgId}`);
      await admin.locator(`[data-testid="members-list"][data-org-id="${orgId}"][data-state="loaded"]`)
        .waitFor({ state: 'attached' });
      const row = byTestId(admin, 'member-row').filter({ hasText: name });
      await row.waitFor({ state: 'visible' });
      await row.locator('[data-testid="member-deactivate"]').click();
      await row.locator('[data-testid="member-deactivate-confirm"]').click();
      await byTestId(admin, 'member-row').filter({ hasText: name })
        .locator('[data-testid="member-status"][data-active="false"]').waitFor({ state: 'visible' });

      // The doctor's page is back at the login screen, with a message, unreloaded.
      const notice = user.locator('[data-testid="login-notice"]:not([hidden])');
      await notice.waitFor({ state: 'visible', timeout: LOGOUT_WITHIN_MS });
      assert.ok((await notice.innerText()).trim().length > 0, 'the login screen says why');
      assert.equal(await byTestId(user, 'login-email').isVisible(), true);
      assert.equal(await byTestId(user, 'user-name').isVisible(), false);
      assert.equal(await notReloaded(user), true, 'the page was not reloaded');
      assert.equal(await apiStatus(user, '/me'), 401, 'no session any more');

      assert.deepEqual(admin.carelinkErrors, [], 'no script errors in the admin\'s page');
      assert.deepEqual(user.carelinkErrors, [], 'no script errors in the doctor\'s page');
    } finally {
      await admin.context().close();
      if (user) await user.context().close();
    }
  });
