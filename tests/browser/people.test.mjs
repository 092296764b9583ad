// The people directory (顔が見える関係): a Japanese substring finds the
// person, filters narrow the list, and a name on a post or in the feed
// opens that person's profile card.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, closeBrowser, newPage, login, byTestId, waitForStream, openNav,
  openThread, postInThread, uniqueText, DEMO,
} from './lib/browser.mjs';

const THREAD_TITLE = '各機関からのお知らせ';

let browser;

before(async () => { browser = await startBrowser(); }, { timeout: 60_000 });
after(() => closeBrowser(browser));

/** Type into the directory's search box and wait for that query's answer. */
async function search(page, text) {
  await byTestId(page, 'people-search').fill(text);
  await page.locator(`[data-testid="people-list"][data-state="loaded"][data-query="${text}"]`)
    .waitFor({ state: 'attached' });
}

/** Wait until the profile card shows a person, and return what it says. */
async function cardText(page) {
  const card = page.locator('[data-testid="profile-card"][open][data-state="loaded"]');
  await card.waitFor({ state: 'visible' });
  return {
    name: (await card.locator('[data-testid="card-name"]').textContent()).trim(),
    org: (await card.locator('[data-testid="card-org"]').textContent()).trim(),
  };
}

test('the directory finds a person by a Japanese substring and filters by organisation',
  { timeout: 120_000 }, async () => {
    const page = await newPage(browser);
    try {
      await login(page, DEMO.tanaka.email);
      await openNav(page, 'nav-people');

      await search(page, '一郎');
      const items = byTestId(page, 'person-item');
      await items.filter({ hasText: DEMO.sato.name }).waitFor({ state: 'visible' });
      assert.equal(await items.filter({ hasText: DEMO.tanaka.name }).count(), 0, 'others are not listed');
      const satoText = await items.filter({ hasText: DEMO.sato.name }).innerText();
      assert.ok(satoText.includes(DEMO.sato.org), `the entry shows the organisation: ${satoText}`);

      // An organisation's name is a substring too.
      await search(page, '包括支援');
      await items.filter({ hasText: DEMO.suzuki.name }).waitFor({ state: 'visible' });

      // Filter by organisation with an empty query.
      await search(page, '');
      await byTestId(page, 'people-org-filter').selectOption({ label: DEMO.sato.org });
      await page.locator('[data-testid="people-list"][data-state="loaded"]').waitFor({ state: 'attached' });
      await items.filter({ hasText: DEMO.sato.name }).waitFor({ state: 'visible' });
      await page.waitForFunction((name) => ![...document.querySelectorAll('[data-testid="person-item"]')]
        .some((el) => el.textContent.includes(name)), DEMO.tanaka.name);

      // The name opens the profile card.
      await items.filter({ hasText: DEMO.sato.name }).locator('[data-testid="person-link"]').click();
      assert.deepEqual(await cardText(page), { name: DEMO.sato.name, org: DEMO.sato.org });
      await byTestId(page, 'card-close').click();
      await page.locator('[data-testid="profile-card"]:not([open])').waitFor({ state: 'attached' });

      assert.deepEqual(page.carelinkErrors, [], 'no script errors');
    } finally {
      await page.context().close();
    }
  });

test('the author\'s name on a post and in the feed opens their profile card',
  { timeout: 120_000 }, async () => {
    const ito = await newPage(browser);
    const tanaka = await newPage(browser);
    try {
      await login(ito, DEMO.ito.email);
      await login(tanaka, DEMO.tanaka.email);
      await waitForStream(tanaka);

      await openThread(ito, THREAD_TITLE);
      const text = uniqueText('名簿試験の投稿');
      await postInThread(ito, text);

      // In tanaka's feed: the author's name is a link to the card.
      const item = byTestId(tanaka, 'feed-item').filter({ hasText: text });
      await item.first().waitFor({ state: 'visible' });
      await item.first().locator('[data-testid="person-link"]').click();
      assert.deepEqual(await cardText(tanaka), { name: DEMO.ito.name, org: DEMO.ito.org });
      await byTestId(tanaka, 'card-close').click();

      // On the post itself.
      await openThread(tanaka, THREAD_TITLE);
      const post = byTestId(tanaka, 'post-item').filter({ hasText: text });
      await post.waitFor({ state: 'visible' });
      await post.locator('[data-testid="person-link"]').click();
      assert.deepEqual(await cardText(tanaka), { name: DEMO.ito.name, org: DEMO.ito.org });

      assert.deepEqual(ito.carelinkErrors, [], 'no script errors in ito\'s page');
      assert.deepEqual(tanaka.carelinkErrors, [], 'no script errors in tanaka\'s page');
    } finally {
      await ito.context().close();
      await tanaka.context().close();
    }
  });
