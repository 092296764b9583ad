// End-to-end slice through the browser: a post written by one person shows
// up live in another person's notification feed, and bad credentials are
// refused in the page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, closeBrowser, newPage, login, submitLogin, byTestId, waitForStream,
  apiStatus, uniqueText, openThread, DEMO, STEP_TIMEOUT,
} from './lib/browser.mjs';

const THREAD_TITLE = '各機関からのお知らせ';
const LIVE_TIMEOUT = 15_000;

let browser;

before(async () => { browser = await startBrowser(); }, { timeout: 60_000 });
after(() => closeBrowser(browser));

test('a post appears live in another user\'s feed', { timeout: 120_000 }, async () => {
  const tanaka = await newPage(browser);
  const sato = await newPage(browser);
  try {
    assert.equal(await login(tanaka, DEMO.tanaka.email), DEMO.tanaka.name);
    assert.equal(await login(sato, DEMO.sato.email), DEMO.sato.name);

    // sato: feed open and the live stream attached.
    await byTestId(sato, 'feed').waitFor({ state: 'visible' });
    await waitForStream(sato);
    await sato.evaluate(() => { window.__carelinkNoReload = true; });

    // tanaka: space → thread → post.
    await openThread(tanaka, THREAD_TITLE);
    const text = uniqueText('ブラウザ試験の投稿');
    await byTestId(tanaka, 'post-body').fill(`${text}\n二行目`);
    await byTestId(tanaka, 'post-submit').click();

    const mine = byTestId(tanaka, 'post-item').filter({ hasText: text });
    await mine.waitFor({ state: 'visible' });
    const mineText = await mine.innerText();
    assert.ok(mineText.includes(DEMO.tanaka.name), `post shows its author: ${mineText}`);
    assert.ok(mineText.includes(`${text}\n二行目`), `line break kept: ${JSON.stringify(mineText)}`);
    assert.equal(await byTestId(tanaka, 'post-body').inputValue(), '', 'textarea cleared after posting');

    // sato: the notification arrives without a reload.
    const item = byTestId(sato, 'feed-item').filter({ hasText: text });
    await item.first().waitFor({ state: 'visible', timeout: LIVE_TIMEOUT });
    const itemText = await item.first().innerText();
    assert.ok(itemText.includes(DEMO.tanaka.name), `feed item names the author: ${itemText}`);
    assert.equal(await item.count(), 1, 'the notification is shown once');
    assert.equal(await sato.evaluate(() => window.__carelinkNoReload), true, 'sato\'s page was not reloaded');

    assert.deepEqual(tanaka.carelinkErrors, [], 'no script errors in tanaka\'s page');
    assert.deepEqual(sato.carelinkErrors, [], 'no script errors in sato\'s page');
  } finally {
    await tanaka.context().close();
    await sato.context().close();
  }
});

test('a wrong password shows an error and opens no session', { timeout: 60_000 }, async () => {
  const page = await newPage(browser);
  try {
    await submitLogin(page, DEMO.tanaka.email, 'not-the-password');
    const error = page.locator('[data-testid="login-error"]:not(:empty)');
    await error.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    assert.ok((await error.innerText()).trim().length > 0);
    assert.equal(await byTestId(page, 'user-name').isVisible(), false, 'not shown as logged in');
    assert.equal(await apiStatus(page, '/me'), 401, 'no session after a failed login');
    assert.deepEqual(page.carelinkErrors, [], 'no script errors');
  } finally {
    await page.context().close();
  }
});
