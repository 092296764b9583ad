// The shared workspace in the browser: a care manager posts in a space
// restricted to care managers and the support centre, with an attachment
// and an @mention; the mentioned person sees it arrive live, opens it and
// confirms (確認しました); the author's 確認状況 lists them as confirmed; a
// police officer sees neither the space in the list nor at its address;
// and a search for a Japanese substring finds the post.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, closeBrowser, newPage, login, byTestId, waitForStream, DEMO,
  markNoReload, notReloaded,
} from './lib/browser.mjs';
import { pageApiOk, pngImage, uniqueKana } from './lib/workspace.mjs';

const SPACE_NAME = 'ケアマネ・包括 連絡スペース';
const SUPPORT_CENTRE = '0f1e2d3c-0001-4000-8000-000000000002';
const NAKAMURA = { email: 'nakamura@demo.carelink.jp', name: '中村' };
const LIVE_TIMEOUT = 20_000;

let browser;

// The session cookies of people who logged in with a two-factor code, by
// e-mail: a second page of the same person reuses them, because the
// gateway takes each time step's code once and another login could wait
// up to half a minute for the next step.
const sessions = new Map();

/** Log page in as email (reusing a session of this file when there is
 * one); the name the page shows. */
async function loginOnce(page, email) {
  const cookies = sessions.get(email);
  if (!cookies) {
    const name = await login(page, email);
    sessions.set(email, await page.context().cookies());
    return name;
  }
  await page.context().addCookies(cookies);
  await page.reload();
  const who = byTestId(page, 'user-name');
  await who.waitFor({ state: 'visible' });
  return (await who.textContent()).trim();
}

before(async () => { browser = await startBrowser(); }, { timeout: 60_000 });
after(() => closeBrowser(browser));

/**
 * The restricted space and an open thread in it, as a tenant admin sees
 * them: the demo's space when the seed has it, else one made here.
 */
async function restrictedSpace(admin) {
  const all = (await pageApiOk(admin, 'GET', '/spaces?all=1')).spaces;
  let space = all.find((s) => s.name === SPACE_NAME && !s.archived);
  if (!space) {
    space = (await pageApiOk(admin, 'POST', '/spaces', {
      name: SPACE_NAME,
      description: 'ケアマネジャーと地域包括支援センターの連絡用',
      visibility: { professions: ['care_manager'], organisations: [SUPPORT_CENTRE] },
    })).space;
  }
  const detail = await pageApiOk(admin, 'GET', `/spaces/${space.id}`);
  let thread = (detail.threads || []).find((t) => !t.closed);
  if (!thread) {
    thread = (await pageApiOk(admin, 'POST', `/spaces/${space.id}/threads`, { title: '連絡事項' })).thread;
  }
  return { space: detail.space || space, thread };
}

test('a mention in a restricted space arrives live, is confirmed, and stays hidden from the police',
  { timeout: 300_000 }, async () => {
    const tanaka = await newPage(browser);
    const suzuki = await newPage(browser);
    const police = await newPage(browser);
    try {
      assert.equal(await loginOnce(suzuki, DEMO.suzuki.email), DEMO.suzuki.name);
      const suzukiId = (await pageApiOk(suzuki, 'GET', '/me')).user.id;
      const { space, thread } = await restrictedSpace(suzuki);
      assert.ok(space.visibility.professions.length || space.visibility.organisations.length,
        'the space is restricted');

      await byTestId(suzuki, 'feed').waitFor({ state: 'visible' });
      await waitForStream(suzuki);
      await suzuki.evaluate(() => { window.__carelinkNoReload = true; });

      // tanaka: the space from the list, its page, the thread.
      assert.equal(await login(tanaka, DEMO.tanaka.email), DEMO.tanaka.name);
      const item = tanaka.locator(`[data-testid="space-item"][data-id="${space.id}"]`);
      await item.click();
      await tanaka.locator(`[data-testid="space-view"][data-space-id="${space.id}"][data-state="loaded"]`)
        .waitFor({ state: 'attached' });
      assert.equal((await byTestId(tanaka, 'space-title').textContent()).trim(), space.name);
      assert.ok((await byTestId(tanaka, 'space-visibility').textContent()).includes('ケアマネジャー')
        || (await byTestId(tanaka, 'space-visibility').textContent()).includes('包括'),
      'the page says who may see the space');
      await tanaka.locator(`[data-testid="space-thread-row"][data-id="${thread.id}"] [data-testid="space-thread-link"]`).click();
      await tanaka.locator(`#posts[data-thread-id="${thread.id}"][data-state="loaded"]`).waitFor({ state: 'attached' });

      // The post: text, an @mention chosen from the picker, a PNG.
      const kana = uniqueKana(8);
      const text = `ブラウザ試験 見守り依頼${kana}です。`;
      const body = byTestId(tanaka, 'post-body');
      await body.click();
      await body.pressSequentially(`${text}\n`);
      await body.pressSequentially('@鈴木');
      const option = tanaka.locator('[data-testid="mention-option"][data-kind="user"]').filter({ hasText: DEMO.suzuki.name });
      await option.waitFor({ state: 'visible' });
      await option.click();
      await body.pressSequentially('さん、ご確認ください。');
      assert.ok((await body.inputValue()).includes(`@${DEMO.suzuki.name} さん`), 'the name went into the text');

      await byTestId(tanaka, 'post-attach').setInputFiles({
        name: '地図.png', mimeType: 'image/png', buffer: pngImage(),
      });
      await tanaka.locator('[data-testid="attachment-chip"][data-state="done"]').waitFor({ state: 'visible' });
      await byTestId(tanaka, 'post-submit').click();

      const mine = byTestId(tanaka, 'post-item').filter({ hasText: kana });
      await mine.waitFor({ state: 'visible' });
      const postId = await mine.getAttribute('data-id');
      const mention = mine.locator('[data-testid="mention"]');
      assert.equal((await mention.first().textContent()).trim(), `@${DEMO.suzuki.name}`, 'the mention is highlighted');
      const img = mine.locator('[data-testid="attachment-image"]');
      await img.waitFor({ state: 'visible' });
      await tanaka.waitForFunction((el) => el.complete && el.naturalWidth === 24, await img.elementHandle());
      assert.equal(await body.inputValue(), '', 'the composer is cleared');

      // suzuki: the notification arrives live; opening it shows the post.
      const feedItem = byTestId(suzuki, 'feed-item').filter({ hasText: kana }).first();
      await feedItem.waitFor({ state: 'visible', timeout: LIVE_TIMEOUT });
      assert.equal(await suzuki.evaluate(() => window.__carelinkNoReload), true, 'suzuki\'s page was not reloaded');
      await feedItem.locator('a').first().click();
      const shown = suzuki.locator(`[data-testid="post-item"][data-id="${postId}"]`);
      await shown.waitFor({ state: 'visible' });
      await suzuki.locator(`[data-testid="post-item"][data-id="${postId}"].target`).waitFor({ state: 'visible' });
      await shown.locator('[data-testid="attachment-image"]').waitFor({ state: 'visible' });
      const confirm = shown.locator('[data-testid="confirm-button"]');
      assert.equal(await confirm.getAttribute('data-confirmed'), 'false');
      await confirm.click();
      await shown.locator('[data-testid="confirm-button"][data-confirmed="true"]').waitFor({ state: 'visible' });

      // tanaka: 確認状況 lists suzuki as confirmed.
      await mine.locator('[data-testid="confirmations-toggle"]').click();
      const panel = mine.locator('[data-testid="confirmations"][data-state="loaded"]');
      await panel.waitFor({ state: 'visible' });
      await panel.locator(`[data-testid="confirmed-person"][data-user-id="${suzukiId}"]`).waitFor({ state: 'visible' });
      assert.equal(await panel.locator(`[data-testid="pending-person"][data-user-id="${suzukiId}"]`).count(), 0,
        'suzuki is not also pending');

      // A Japanese substring (no word boundaries) finds the post.
      await byTestId(tanaka, 'header-search').fill(kana.slice(2, 6));
      await byTestId(tanaka, 'header-search').press('Enter');
      await tanaka.locator('[data-testid="search-results"][data-state="loaded"]').waitFor({ state: 'attached' });
      const hit = tanaka.locator(`[data-testid="search-hit"][data-id="${postId}"]`);
      await hit.waitFor({ state: 'visible' });
      assert.equal((await hit.locator('mark').first().textContent()), kana.slice(2, 6), 'the match is marked');

      // The police officer: not in the list, not at its address.
      await login(police, NAKAMURA.email);
      await police.locator('[data-testid="space-list"][data-state="loaded"]').waitFor({ state: 'attached' });
      assert.ok(await byTestId(police, 'space-item').count() > 0, 'the police officer sees other spaces');
      assert.equal(await police.locator(`[data-testid="space-item"][data-id="${space.id}"]`).count(), 0,
        'the restricted space is not listed');
      await police.evaluate((id) => { location.hash = `#/spaces/${id}`; }, space.id);
      const err = police.locator('[data-testid="space-view"][data-state="error"] [data-testid="space-error"]');
      await err.waitFor({ state: 'visible' });
      assert.equal(await err.getAttribute('data-status'), '404');
      assert.ok((await err.textContent()).includes('見つかりませんでした'), 'the page says not found');
      await police.evaluate((id) => { location.hash = `#/threads/${id}/posts/${id}`; }, thread.id);
      await police.locator(`#posts[data-thread-id="${thread.id}"][data-state="error"]`).waitFor({ state: 'attached' });
      assert.equal(await police.locator(`[data-testid="post-item"][data-id="${postId}"]`).count(), 0);

      for (const [who, page] of [['tanaka', tanaka], ['suzuki', suzuki], ['nakamura', police]]) {
        assert.deepEqual(page.carelinkErrors, [], `no script errors in ${who}'s page`);
      }
    } finally {
      await tanaka.context().close();
      await suzuki.context().close();
      await police.context().close();
    }
  });

test('an admin makes a space and a thread, posts, comments, edits with history, deletes, closes and archives',
  { timeout: 300_000 }, async () => {
    const admin = await newPage(browser);
    const reader = await newPage(browser);
    try {
      assert.equal(await loginOnce(admin, DEMO.suzuki.email), DEMO.suzuki.name);
      // A social worker (the profession the new space admits) has the home page open.
      assert.equal(await login(reader, DEMO.kato.email), DEMO.kato.name);
      await byTestId(reader, 'space-item').first().waitFor({ state: 'visible' });
      await markNoReload(reader);

      // A new space from the municipality admin page.
      const name = `試験スペース ${uniqueKana(6)}`;
      await byTestId(admin, 'nav-tenant').click();
      await admin.locator('[data-testid="spaces-admin-list"][data-state="loaded"]').waitFor({ state: 'attached' });
      await byTestId(admin, 'space-new-open').click();
      await byTestId(admin, 'space-new-name').fill(name);
      await byTestId(admin, 'space-new-desc').fill('説明の一行目\n二行目');
      await byTestId(admin, 'space-new-prof-social_worker').check();
      await byTestId(admin, 'space-create').click();
      const row = byTestId(admin, 'space-admin-row').filter({ hasText: name });
      await row.waitFor({ state: 'visible' });
      const spaceId = await row.getAttribute('data-id');
      // ... joins the reader's space list at once, without a reload.
      await byTestId(reader, 'space-item').filter({ hasText: name }).waitFor({ state: 'visible', timeout: 20_000 });
      assert.ok(await notReloaded(reader), 'the reader\'s page was not reloaded');

      // Its page: add two threads, move the second up.
      await admin.evaluate((id) => { location.hash = `#/spaces/${id}`; }, spaceId);
      const view = admin.locator(`[data-testid="space-view"][data-space-id="${spaceId}"][data-state="loaded"]`);
      await view.waitFor({ state: 'attached' });
      assert.ok((await byTestId(admin, 'space-visibility').textContent()).includes('社会福祉士'), 'professions shown');
      for (const title of ['一番目', '二番目']) {
        await byTestId(admin, 'thread-new-title').fill(title);
        await byTestId(admin, 'thread-create').click();
        await byTestId(admin, 'space-thread-row').filter({ hasText: title }).waitFor({ state: 'visible' });
      }
      await byTestId(admin, 'threads-manage').click();
      await byTestId(admin, 'space-thread-row').filter({ hasText: '二番目' }).locator('[data-testid="thread-up"]').click();
      await admin.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-testid="space-thread-link"]')].map((a) => a.textContent);
        return rows[0] === '二番目' && rows[1] === '一番目';
      });

      // A post, a comment, an edit with history, a delete.
      await byTestId(admin, 'space-thread-row').filter({ hasText: '二番目' }).locator('[data-testid="space-thread-link"]').click();
      await admin.locator('#posts[data-state="loaded"]').waitFor({ state: 'attached' });
      const text = `最初の文 https://example.org/a?b=1 ${uniqueKana(6)}`;
      await byTestId(admin, 'post-body').fill(text);
      await byTestId(admin, 'post-submit').click();
      await byTestId(admin, 'post-item').filter({ hasText: text }).waitFor({ state: 'visible' });
      const postId = await byTestId(admin, 'post-item').filter({ hasText: text }).getAttribute('data-id');
      const post = admin.locator(`[data-testid="post-item"][data-id="${postId}"]`);
      assert.equal(await post.locator('a.post-link').getAttribute('href'), 'https://example.org/a?b=1', 'the link is clickable');

      await post.locator('[data-testid="comment-open"]').click();
      await post.locator('[data-testid="comment-body"]').fill('コメントです');
      await post.locator('[data-testid="comment-submit"]').click();
      await post.locator('[data-testid="comment-item"]').filter({ hasText: 'コメントです' }).waitFor({ state: 'visible' });

      await post.locator('[data-testid="post-edit"]').click();
      await post.locator('[data-testid="edit-body"]').fill(`${text}（修正）`);
      await post.locator('[data-testid="edit-submit"]').click();
      await post.locator('[data-testid="post-text"]').filter({ hasText: '（修正）' }).waitFor({ state: 'visible' });
      await post.locator('[data-testid="post-edited"]').click();
      const history = post.locator('[data-testid="post-history"][data-state="loaded"]');
      await history.waitFor({ state: 'visible' });
      assert.equal(await history.locator('[data-testid="history-item"]').count(), 2, 'the old and the current text');

      await post.locator('[data-testid="post-delete"]').click();
      await post.locator('[data-testid="delete-confirm"]').click();
      await post.locator('[data-testid="post-deleted"]').waitFor({ state: 'visible' });
      assert.equal((await post.locator('[data-testid="post-deleted"]').textContent()).trim(), 'この投稿は削除されました');
      await post.locator('[data-testid="comment-item"]').filter({ hasText: 'コメントです' }).waitFor({ state: 'visible' });

      // Closing the thread disables the composer; archiving the space too.
      await admin.evaluate((id) => { location.hash = `#/spaces/${id}`; }, spaceId);
      await view.waitFor({ state: 'attached' });
      await byTestId(admin, 'threads-manage').click();
      await byTestId(admin, 'space-thread-row').filter({ hasText: '一番目' }).locator('[data-testid="thread-close-toggle"]').click();
      await admin.locator('[data-testid="space-thread-row"][data-closed="true"]').filter({ hasText: '一番目' }).waitFor({ state: 'visible' });
      await byTestId(admin, 'space-thread-row').filter({ hasText: '一番目' }).locator('[data-testid="space-thread-link"]').click();
      await admin.locator('#posts[data-state="loaded"]').waitFor({ state: 'attached' });
      await byTestId(admin, 'post-disabled').waitFor({ state: 'visible' });
      assert.equal(await byTestId(admin, 'post-body').isVisible(), false, 'no composer in a closed thread');

      await admin.evaluate((id) => { location.hash = `#/spaces/${id}`; }, spaceId);
      await view.waitFor({ state: 'attached' });
      await byTestId(admin, 'space-archive').click();
      await admin.locator(`[data-testid="space-view"][data-space-id="${spaceId}"][data-state="loaded"] [data-testid="space-archived"]`)
        .waitFor({ state: 'visible' });
      await admin.locator(`[data-testid="space-item"][data-id="${spaceId}"][data-archived="true"]`).waitFor({ state: 'visible' });
      await byTestId(admin, 'space-thread-link').filter({ hasText: '二番目' }).click();
      await admin.locator('#posts[data-state="loaded"]').waitFor({ state: 'attached' });
      assert.match(await byTestId(admin, 'post-disabled').textContent(), /アーカイブ/);

      assert.deepEqual(admin.carelinkErrors, [], 'no script errors');
    } finally {
      await admin.context().close();
      await reader.context().close();
    }
  });
