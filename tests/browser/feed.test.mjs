// The notification feed on the left of every page (issue 8, FEED.md): a
// care worker (ito) has her feed open beside the people page; a post by a
// care manager (tanaka) in the tenant-wide space arrives live with unread
// badges (the total and the space's); opening it marks it read and a second
// tab of hers drops its badges live (the stream's `read` event); the
// filters (urgent only shows an alert, mentions shows a mention, a space
// its posts), "more" pages, "mark this space read" and mark all read clear
// the badges; a space muted from its page stops its posts arriving live
// while a mention in it still arrives; the preferences page lists the mute
// and unmutes it and refuses a bad quiet-hours range next to the field; in
// quiet hours a post arrives silently (not announced); urgent-only mode
// lists and pushes only urgent notifications.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, closeBrowser, newPage, login, byTestId, baseUrl, DEMO, uniqueText,
  waitForStream,
} from './lib/browser.mjs';
import { pageApi, pageApiOk } from './lib/workspace.mjs';

const ITO = { email: 'ito@demo.carelink.jp', name: '伊藤 由美', id: '5e6f7a8b-0002-4000-8000-000000000005' };
const ITO_ORG = '0f1e2d3c-0001-4000-8000-000000000004';
// みどり市 地域包括ケア 全体スペース: every member of the tenant sees it
const WIDE_SPACE = '7c8d9e0f-0003-4000-8000-000000000001';
const LIVE_TIMEOUT = 15_000;
const DEFAULT_PREFS = { urgent_only: false, quiet_hours: null, mutes: [] };

let browser;

before(async () => { browser = await startBrowser(); }, { timeout: 60_000 });
after(() => closeBrowser(browser));

/** HH:MM in Japan's time, minutes from now. */
function tokyoTime(minutes) {
  return new Date(Date.now() + (9 * 60 + minutes) * 60_000).toISOString().slice(11, 16);
}

const item = (page, text) => byTestId(page, 'feed-item').filter({ hasText: text });

async function openThreadOf(page, spaceId) {
  const detail = await pageApiOk(page, 'GET', `/spaces/${spaceId}`);
  const thread = (detail.threads || []).find((t) => !t.closed);
  assert.ok(thread, 'the tenant-wide space has an open thread');
  return thread.id;
}

function post(page, threadId, text, mentionIto = false) {
  return pageApiOk(page, 'POST', `/threads/${threadId}/posts`, {
    body: mentionIto ? `@${ITO.name} さん ${text}` : text,
    mentions: { users: mentionIto ? [ITO.id] : [], organisations: [] },
  });
}

function raiseAlert(page, title) {
  return pageApiOk(page, 'POST', '/alerts', {
    kind: 'road_closure', severity: 'moderate', title, description: '工事のため通行止め',
    area: { districts: ['北地区'] },
    audience: { everyone: false, organisations: [ITO_ORG], professions: [] },
    requires_ack: false,
  });
}

async function badgeGone(page, selector) {
  await page.locator(`${selector}:not([hidden])`).waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
}

test('the feed on every page: live items and badges, read in another tab, filters, more, mark all read, mute, urgent-only',
  { timeout: 180_000 }, async () => {
    const ito = await newPage(browser);
    const tanaka = await newPage(browser);
    let second = null;
    const alerts = [];
    try {
      assert.equal(await login(ito, ITO.email), ITO.name);
      await pageApiOk(ito, 'PUT', '/preferences', DEFAULT_PREFS);
      await pageApiOk(ito, 'POST', '/feed/read', { all: true });
      await ito.evaluate(() => { location.hash = '#/people'; });
      await ito.reload();
      await waitForStream(ito);
      assert.equal(await login(tanaka, DEMO.tanaka.email), DEMO.tanaka.name);
      const threadId = await openThreadOf(tanaka, WIDE_SPACE);

      // the feed is on the left of a page other than home
      await byTestId(ito, 'page').waitFor();
      assert.equal(await ito.locator('#page-view').getAttribute('data-page'), 'people');
      await byTestId(ito, 'feed').waitFor();
      assert.equal(await ito.locator('[data-testid="unread-total"]:not([hidden])').count(), 0, 'nothing unread at first');

      // a post by another user: live, unread, with the total and the space's badge
      const p1 = uniqueText('フィード試験 投稿');
      await post(tanaka, threadId, p1);
      const first = item(ito, p1);
      await first.waitFor({ timeout: LIVE_TIMEOUT });
      assert.equal(await first.getAttribute('data-read'), 'false');
      assert.match(await first.textContent(), /未読/, 'screen readers hear it is unread');
      await ito.locator('[data-testid="unread-total"]:not([hidden])').waitFor({ timeout: LIVE_TIMEOUT });
      assert.match(await byTestId(ito, 'unread-total').textContent(), /1/);
      assert.match(await ito.title(), /^\(1\) /, 'the title counts it');
      const spaceBadge = `[data-testid="unread-space"][data-unread-space="${WIDE_SPACE}"]`;
      await ito.locator(`${spaceBadge}:not([hidden])`).waitFor({ state: 'attached', timeout: LIVE_TIMEOUT });
      assert.equal(await ito.locator(spaceBadge).textContent(), '1');

      // a second tab of the same person shows the same badge on the spaces list
      second = await ito.context().newPage();
      await second.goto(`${baseUrl()}/#/`);
      await waitForStream(second);
      await second.locator(`${spaceBadge}:not([hidden])`).waitFor({ timeout: LIVE_TIMEOUT });
      await item(second, p1).waitFor();

      // opening it in the first tab marks it read there and, live, in the second
      await first.locator('a').first().click();
      await ito.locator('#posts[data-state="loaded"]').waitFor({ state: 'attached' });
      await ito.locator(`[data-testid="feed-item"][data-read="true"]`).filter({ hasText: p1 }).waitFor({ state: 'attached' });
      await second.locator(`[data-testid="feed-item"][data-read="true"]`).filter({ hasText: p1 })
        .waitFor({ state: 'attached', timeout: LIVE_TIMEOUT });
      await badgeGone(second, spaceBadge);
      await badgeGone(second, '[data-testid="unread-total"]');
      assert.doesNotMatch(await second.title(), /^\(/);
      await second.close();
      second = null;

      // filters: urgent only shows an alert, mentions shows a mention
      const alertTitle = uniqueText('フィード試験 通行止め');
      alerts.push((await raiseAlert(tanaka, alertTitle)).alert.id);
      await item(ito, alertTitle).waitFor({ timeout: LIVE_TIMEOUT });
      const p2 = uniqueText('フィード試験 メンション');
      await post(tanaka, threadId, p2, true);
      await item(ito, p2).waitFor({ timeout: LIVE_TIMEOUT });
      await byTestId(ito, 'feed-filter').selectOption('urgent');
      await item(ito, alertTitle).waitFor();
      await ito.locator('[data-testid="feed-item"][data-urgent="false"]').first().waitFor({ state: 'detached' });
      assert.equal(await item(ito, p2).count(), 0);
      assert.equal(await item(ito, alertTitle).getAttribute('data-urgent'), 'true');
      await byTestId(ito, 'feed-filter').selectOption('mentions');
      await ito.locator('[data-testid="feed-item"][data-kind="mention"]').filter({ hasText: p2 }).waitFor();
      assert.equal(await item(ito, alertTitle).count(), 0);
      assert.equal(await item(ito, p1).count(), 0);
      await byTestId(ito, 'feed-filter').selectOption(`space:${WIDE_SPACE}`);
      await item(ito, p1).waitFor();
      assert.equal(await item(ito, alertTitle).count(), 0, 'an alert is of no space');

      // "more": after enough notifications the first page is full
      const bulk = uniqueText('フィード試験 まとめて');
      const statuses = await tanaka.evaluate(async ({ threadId, bulk }) => {
        const me = await (await fetch('/api/v1/me', { credentials: 'same-origin' })).json();
        const one = (i) => fetch(`/api/v1/threads/${threadId}/posts`, {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
          body: JSON.stringify({ body: `${bulk} ${i}`, mentions: { users: [], organisations: [] } }),
        });
        const out = [];
        for (let i = 0; i < 55; i += 11) out.push(...(await Promise.all([...Array(11)].map((_, j) => one(i + j)))).map((r) => r.status));
        return out;
      }, { threadId, bulk });
      assert.deepEqual([...new Set(statuses)], [201], 'every post is taken');
      await byTestId(ito, 'feed-filter').selectOption('all');
      await item(ito, `${bulk} 54`).waitFor({ timeout: LIVE_TIMEOUT });
      await ito.reload();
      await waitForStream(ito);
      await byTestId(ito, 'feed-more').waitFor();
      const firstPage = await byTestId(ito, 'feed-item').count();
      assert.equal(firstPage, 50, 'a full first page');
      await byTestId(ito, 'feed-more').click();
      await ito.waitForFunction((n) => document.querySelectorAll('[data-testid="feed-item"]').length > n, firstPage);
      await item(ito, p1).waitFor({ state: 'attached', timeout: LIVE_TIMEOUT });

      // "mark this space read" on the space's page clears its badge, not the alert's
      await ito.evaluate((id) => { location.hash = `#/spaces/${id}`; }, WIDE_SPACE);
      await ito.locator(`${spaceBadge}:not([hidden])`).waitFor();
      await byTestId(ito, 'space-mark-read').click();
      await badgeGone(ito, spaceBadge);
      await ito.locator('[data-testid="feed-item"][data-read="false"]').filter({ hasText: p2 }).waitFor({ state: 'detached' });
      assert.equal(await item(ito, alertTitle).getAttribute('data-read'), 'false');

      // mark all read clears the badges
      await ito.locator('[data-testid="unread-total"]:not([hidden])').waitFor();
      await byTestId(ito, 'feed-read-all').click();
      await badgeGone(ito, '[data-testid="unread-total"]');
      await ito.locator('[data-testid="feed-item"][data-read="false"]').first().waitFor({ state: 'detached' });

      // mute the space from its page: its posts stop arriving, a mention in it still arrives
      const mute = byTestId(ito, 'mute-space');
      await ito.locator('[data-testid="mute-space"]:not([disabled])').waitFor();
      assert.equal(await mute.getAttribute('aria-pressed'), 'false');
      await mute.click();
      await ito.locator('[data-testid="mute-space"][aria-pressed="true"]').waitFor();
      const p3 = uniqueText('フィード試験 ミュート中');
      const p4 = uniqueText('フィード試験 ミュート中のメンション');
      await post(tanaka, threadId, p3);
      await post(tanaka, threadId, p4, true);
      await item(ito, p4).waitFor({ timeout: LIVE_TIMEOUT });
      assert.equal(await item(ito, p3).count(), 0, 'a muted space\'s post is not pushed');

      // the preferences page lists the mute and unmutes it
      await byTestId(ito, 'feed-prefs-link').click();
      await ito.locator('[data-testid="prefs-form"][data-state="loaded"]').waitFor({ state: 'attached' });
      const row = ito.locator(`[data-testid="prefs-mute"][data-kind="space"][data-id="${WIDE_SPACE}"]`);
      await row.waitFor();
      await row.locator('[data-testid="prefs-unmute"]').click();
      await row.waitFor({ state: 'detached' });
      await byTestId(ito, 'prefs-no-mutes').waitFor();

      // a bad quiet hours range is refused next to the field, nothing stored
      await byTestId(ito, 'prefs-quiet-on').check();
      await byTestId(ito, 'prefs-quiet-start').fill('09:00');
      await byTestId(ito, 'prefs-quiet-end').fill('09:00');
      await byTestId(ito, 'prefs-save').click();
      await ito.locator('[data-testid="prefs-quiet-error"]:not(:empty)').waitFor();
      assert.equal((await pageApiOk(ito, 'GET', '/preferences')).quiet_hours, null);

      // quiet hours around now: a post still arrives live, silently (not announced)
      await byTestId(ito, 'prefs-quiet-start').fill(tokyoTime(-60));
      await byTestId(ito, 'prefs-quiet-end').fill(tokyoTime(60));
      await byTestId(ito, 'prefs-save').click();
      await ito.locator('[data-testid="prefs-ok"]:not([hidden])').waitFor();
      await byTestId(ito, 'prefs-quiet-error').filter({ hasText: /./ }).waitFor({ state: 'detached' });
      const quiet = uniqueText('フィード試験 おやすみ時間');
      await post(tanaka, threadId, quiet);
      await item(ito, quiet).waitFor({ timeout: LIVE_TIMEOUT });
      assert.equal(await item(ito, quiet).getAttribute('data-silent'), 'true');
      assert.doesNotMatch(await ito.locator('#live').textContent(), new RegExp(quiet.split(' ').pop()));
      await byTestId(ito, 'prefs-quiet-on').uncheck();

      // urgent-only mode: only urgent ones are listed and pushed
      await byTestId(ito, 'prefs-urgent-only').check();
      await byTestId(ito, 'prefs-save').click();
      await ito.locator('[data-testid="prefs-ok"]:not([hidden])').waitFor();
      assert.equal((await pageApiOk(ito, 'GET', '/preferences')).urgent_only, true);
      await ito.locator('[data-testid="feed-item"][data-urgent="false"]').first().waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
      await item(ito, alertTitle).waitFor();
      await byTestId(ito, 'feed-mode').waitFor();
      const p5 = uniqueText('フィード試験 緊急のみ');
      await post(tanaka, threadId, p5);
      const alert2 = uniqueText('フィード試験 緊急のみの通行止め');
      alerts.push((await raiseAlert(tanaka, alert2)).alert.id);
      await item(ito, alert2).waitFor({ timeout: LIVE_TIMEOUT });
      assert.equal(await item(ito, p5).count(), 0, 'urgent-only mode pushes no post');

      assert.deepEqual(ito.carelinkErrors, []);
      assert.deepEqual(tanaka.carelinkErrors, []);
    } finally {
      await pageApi(ito, 'PUT', '/preferences', DEFAULT_PREFS).catch(() => {});
      for (const id of alerts) await pageApi(tanaka, 'POST', `/alerts/${id}/resolve`, {}).catch(() => {});
      if (second) await second.close().catch(() => {});
      for (const p of [ito, tanaka]) await p.context().close().catch(() => {});
    }
  });
