// Urgent alerts in the browser (issue 8): the support centre's social
// worker (suzuki, a tenant admin who logs in with two-factor) raises a
// missing-person alert for the fire department's organisation with the
// creation form; a firefighter's open page (kobayashi) shows it as a
// banner within a second, without a reload (the time is measured from the
// raise's answer and logged); the banner stays while he moves between pages
// and after a reload, until he acknowledges it; the raiser's open detail
// page shows his acknowledgement live (her feed gets the urgent
// `alert_acknowledged` notice, which refreshes the page). The form takes a
// photo (a wrong type is refused next to it, a PNG is previewed and sent
// after the raise); both detail pages show it.

import { test, before, after } from 'node:test';
import { deflateSync } from 'node:zlib';
import assert from 'node:assert/strict';
import {
  startBrowser, closeBrowser, newPage, login, byTestId, DEMO, uniqueText, markNoReload,
  notReloaded, waitForStream, API_PREFIX,
} from './lib/browser.mjs';
import { pageApi } from './lib/workspace.mjs';

const KOBAYASHI = { email: 'kobayashi@demo.carelink.jp', name: '小林 翔', id: '5e6f7a8b-0002-4000-8000-000000000009' };
// みどり市消防本部
const FIRE_ORG = '0f1e2d3c-0001-4000-8000-00000000000a';
// what the issue asks: the banner within a second of the raise
const BANNER_WITHIN_MS = 1000;
// how long to wait at most before failing with the time it took
const BANNER_WAIT_MS = 15_000;
const LIVE_TIMEOUT = 30_000;

let browser;

/** A small valid PNG (w x h, red). */
function png(w = 4, h = 3) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.concat(Array.from({ length: h }, () => Buffer.from([0, ...Array(w).fill([255, 0, 0]).flat()])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Waits until the alert's photo on page is loaded and has its size. */
async function photoShown(page, w, h) {
  const img = page.locator('[data-testid="alert-photo"]');
  await img.waitFor();
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="alert-photo"]');
    return el && el.complete && el.naturalWidth > 0;
  });
  assert.deepEqual(await img.evaluate((el) => [el.naturalWidth, el.naturalHeight]), [w, h]);
}

before(async () => { browser = await startBrowser(); }, { timeout: 60_000 });
after(() => closeBrowser(browser));

async function closeAll(...pages) {
  for (const p of pages) await p.context().close().catch(() => {});
}

function bannerItem(page, id) {
  return page.locator(`[data-testid="alert-banner"] [data-testid="alert-banner-item"][data-id="${id}"]`);
}

test('an alert raised by the support centre is a banner on a firefighter\'s page until acknowledged; the raiser sees the acknowledgement live',
  { timeout: 300_000 }, async () => {
    const suzuki = await newPage(browser);
    const kobayashi = await newPage(browser);
    let alertId = null;
    try {
      assert.equal(await login(kobayashi, KOBAYASHI.email), KOBAYASHI.name);
      await waitForStream(kobayashi);
      await markNoReload(kobayashi);
      assert.equal(await login(suzuki, DEMO.suzuki.email), DEMO.suzuki.name);

      // suzuki fills in the creation form, reached from the menu
      await byTestId(suzuki, 'nav-alerts').click();
      await suzuki.locator('[data-testid="alert-list"][data-state="loaded"]').waitFor({ state: 'attached' });
      await byTestId(suzuki, 'alert-new-link').click();
      await byTestId(suzuki, 'alert-form').waitFor();
      const title = uniqueText('ブラウザテスト 行方不明');
      await byTestId(suzuki, 'alert-kind-input').selectOption('missing_person');
      await byTestId(suzuki, 'alert-severity-input').selectOption('severe');
      await byTestId(suzuki, 'alert-title-input').fill(title);
      await byTestId(suzuki, 'alert-description-input').fill('80代男性、灰色の上着。みどり駅方面へ歩いて行かれました。');
      await byTestId(suzuki, 'alert-instruction-input').fill('見かけたら声をかけ、地域包括支援センターへ連絡してください');
      // an area and an audience are required: refused next to the form first
      await byTestId(suzuki, 'alert-submit').click();
      await suzuki.locator('[data-testid="alert-form-error"]:not(:empty)').waitFor();
      await byTestId(suzuki, 'alert-districts-input').fill('北地区');
      await byTestId(suzuki, 'alert-circle-input').fill('35.69,139.33,2');
      await suzuki.locator(`[data-testid="alert-audience"] [data-testid="alert-audience-org"][data-id="${FIRE_ORG}"]`).check();
      assert.equal(await byTestId(suzuki, 'alert-requires-ack-input').isChecked(), true);
      // a photo: a text file is refused next to the picker (and blocks the
      // raise), a PNG is previewed
      await byTestId(suzuki, 'alert-photo-input').setInputFiles({ name: 'memo.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
      await suzuki.locator('[data-testid="alert-photo-error"]:not(:empty)').waitFor();
      assert.equal(await byTestId(suzuki, 'alert-photo-preview').isHidden(), true);
      await byTestId(suzuki, 'alert-photo-input').setInputFiles({ name: 'person.png', mimeType: 'image/png', buffer: png(4, 3) });
      await byTestId(suzuki, 'alert-photo-preview').waitFor({ state: 'visible' });
      assert.equal(await byTestId(suzuki, 'alert-photo-error').textContent(), '');
      const photoSent = suzuki.waitForResponse((r) => /\/alerts\/[^/]+\/photo$/.test(r.url()) && r.request().method() === 'PUT');

      const raised = suzuki.waitForResponse((r) => r.url().endsWith(`${API_PREFIX}/alerts`) && r.request().method() === 'POST');
      await byTestId(suzuki, 'alert-submit').click();
      const answer = await raised;
      const t0 = Date.now();
      assert.equal(answer.status(), 201, await answer.text());
      alertId = (await answer.json()).alert.id;
      assert.ok(alertId);
      const photoAnswer = await photoSent;
      assert.equal(photoAnswer.status(), 200, await photoAnswer.text());

      // the firefighter's open page: the banner, without a reload
      const item = bannerItem(kobayashi, alertId);
      await item.waitFor({ timeout: BANNER_WAIT_MS });
      const elapsed = Date.now() - t0;
      console.log(`# alert banner shown ${elapsed} ms after the raise was answered`);
      assert.ok(await notReloaded(kobayashi), 'the banner came without a reload');
      assert.ok(elapsed <= BANNER_WITHIN_MS, `the banner took ${elapsed} ms (at most ${BANNER_WITHIN_MS} ms)`);
      assert.equal(await item.locator('[data-testid="alert-banner-link"]').textContent(), title);

      // the raiser's page is the alert's: nobody has acknowledged yet
      await suzuki.locator(`[data-testid="alert-detail"][data-id="${alertId}"][data-state="loaded"]`).waitFor({ state: 'attached' });
      await suzuki.locator('[data-testid="alert-acks"][data-count="0"]').waitFor({ state: 'attached' });
      assert.equal(await byTestId(suzuki, 'alert-title').textContent(), title);
      await photoShown(suzuki, 4, 3);
      await suzuki.locator('[data-testid="alert-timeline-item"][data-action="updated"]').waitFor({ state: 'attached' });
      await markNoReload(suzuki);

      // the banner stays on every page he opens, and after a reload
      for (const nav of ['nav-people', 'nav-facilities', 'nav-profile', 'nav-home']) {
        await byTestId(kobayashi, nav).click();
        await item.waitFor();
      }
      await kobayashi.reload();
      await byTestId(kobayashi, 'user-name').waitFor();
      await item.waitFor({ timeout: LIVE_TIMEOUT });
      await waitForStream(kobayashi);

      // he opens the alert from the banner, goes back, and acknowledges from the banner
      await item.locator('[data-testid="alert-banner-link"]').click();
      await kobayashi.locator(`[data-testid="alert-detail"][data-id="${alertId}"][data-state="loaded"]`).waitFor({ state: 'attached' });
      await photoShown(kobayashi, 4, 3);
      assert.equal(await byTestId(kobayashi, 'alert-photo-upload').count(), 0, 'no photo upload for a reader');
      await item.waitFor();
      await byTestId(kobayashi, 'nav-home').click();
      await item.waitFor();
      const acked = Date.now();
      await item.locator('[data-testid="alert-banner-ack"]').click();
      await item.waitFor({ state: 'detached' });

      // the raiser's open page shows who acknowledged, live
      await suzuki.locator(`[data-testid="alert-acks"] [data-testid="alert-ack"][data-user-id="${KOBAYASHI.id}"]`)
        .waitFor({ timeout: LIVE_TIMEOUT });
      console.log(`# the raiser's page showed the acknowledgement ${Date.now() - acked} ms after the click`);
      assert.match(await byTestId(suzuki, 'alert-acks').textContent(), new RegExp(KOBAYASHI.name));
      // what told her page: the urgent notice in her feed
      const notice = suzuki.locator('[data-testid="feed-item"][data-kind="alert_acknowledged"]', { hasText: title });
      await notice.waitFor({ state: 'attached', timeout: LIVE_TIMEOUT });
      assert.match(await notice.textContent(), new RegExp(`${KOBAYASHI.name}さんが緊急連絡を確認しました`));
      await suzuki.locator('[data-testid="alert-timeline-item"][data-action="acknowledged"]').waitFor({ state: 'attached' });
      assert.ok(await notReloaded(suzuki), 'the acknowledgement came without a reload');

      // acknowledged: gone from every page
      for (const nav of ['nav-alerts', 'nav-people', 'nav-home']) {
        await byTestId(kobayashi, nav).click();
        await byTestId(kobayashi, 'user-name').waitFor();
        assert.equal(await item.count(), 0, `no banner for the acknowledged alert on ${nav}`);
      }
      await kobayashi.evaluate((id) => { location.hash = `#/alerts/${id}`; }, alertId);
      await byTestId(kobayashi, 'alert-acked-by-me').waitFor();
      assert.deepEqual(suzuki.carelinkErrors, []);
      assert.deepEqual(kobayashi.carelinkErrors, []);
    } finally {
      // the alert ends, so that later runs start with no pending banner from it
      if (alertId) await pageApi(suzuki, 'POST', `/alerts/${alertId}/resolve`, {}).catch(() => {});
      await closeAll(suzuki, kobayashi);
    }
  });
