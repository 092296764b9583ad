// Vacancies in the browser (issue 6): a care manager saves a search for a
// women's short-stay bed in 北地区 for three nights and 要介護3; the
// facility's staff update those nights with the bulk range form (a bad range
// is refused next to the form first); the care manager's open page gets the
// vacancy_match notification live, without a reload; she opens the watch
// from the feed and holds a bed from its matches; the facility's staff see
// the hold on their facility's page and confirm it; her hold's page shows
// it confirmed. A police officer gets none of it (404s, no menu entry).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, closeBrowser, newPage, login, byTestId, DEMO, uniqueText, markNoReload,
  notReloaded, waitForStream, apiStatus,
} from './lib/browser.mjs';
import { pageApi, pageApiOk } from './lib/workspace.mjs';

const TAKAHASHI = { email: 'takahashi@demo.carelink.jp', name: '高橋 健' };
const NAKAMURA = { email: 'nakamura@demo.carelink.jp', name: '中村 大輔' };
// ショートステイ 緑ヶ丘苑 (北地区, 短期入所生活介護), owned by みどり市役所, takahashi's organisation
const FACILITY = 'fac1d000-0005-4000-8000-00000000000e';
const WATCH_PREFIX = 'ブラウザテスト 女性ショート';
const LIVE_TIMEOUT = 30_000;

let browser;

before(async () => { browser = await startBrowser(); }, { timeout: 60_000 });
after(() => closeBrowser(browser));

/** "YYYY-MM-DD" in Asia/Tokyo, n days from today. */
function dayPlus(n) {
  return new Date(Date.now() + n * 86400_000 + 9 * 3600_000).toISOString().slice(0, 10);
}

async function closeAll(...pages) {
  for (const p of pages) await p.context().close().catch(() => {});
}

/** The facility's live holds released, so its nights can be set to 0 again (reruns). */
async function releaseHolds(staff) {
  for (const status of ['held', 'confirmed']) {
    const { holds } = await pageApiOk(staff, 'GET', `/holds?facility=${FACILITY}&status=${status}`);
    for (const h of holds) await pageApi(staff, 'POST', `/holds/${h.id}/release`, {});
  }
}

/** Earlier runs' watches of this test deleted (a person may keep 20 active watches). */
async function deleteOldWatches(page) {
  const { watches } = await pageApiOk(page, 'GET', '/watches');
  for (const w of watches) {
    if (String(w.name).startsWith(WATCH_PREFIX)) await pageApi(page, 'DELETE', `/watches/${w.id}`);
  }
}

test('a saved search notifies the care manager live; she holds a bed and the facility confirms it',
  { timeout: 300_000 }, async () => {
    const staff = await newPage(browser);
    const tanaka = await newPage(browser);
    const police = await newPage(browser);
    const from = dayPlus(40);
    const to = dayPlus(42);
    let watchId = null;
    let holdId = null;
    try {
      // setup through the API: those nights have no bed, so nothing matches yet
      assert.equal(await login(staff, TAKAHASHI.email), TAKAHASHI.name);
      await releaseHolds(staff);
      await pageApiOk(staff, 'PUT', `/facilities/${FACILITY}/beds`, {
        kind: 'short_stay', from, to, men: 0, women: 0, either: 0, care_levels: [], conditions: [],
      });

      // tanaka searches with conditions and saves the search
      assert.equal(await login(tanaka, DEMO.tanaka.email), DEMO.tanaka.name);
      await deleteOldWatches(tanaka);
      await waitForStream(tanaka);
      await byTestId(tanaka, 'nav-vacancy').click();
      await tanaka.locator('[data-testid="board"][data-state="loaded"]').waitFor({ state: 'attached' });
      await tanaka.locator(`[data-testid="board-row"][data-id="${FACILITY}"]`).waitFor();
      await byTestId(tanaka, 'vac-tab-search').click();
      await byTestId(tanaka, 'search-form').waitFor();
      await byTestId(tanaka, 'search-kind').selectOption('short_stay');
      await byTestId(tanaka, 'search-from').fill(from);
      await byTestId(tanaka, 'search-to').fill(to);
      await byTestId(tanaka, 'search-room').selectOption('women');
      await byTestId(tanaka, 'search-care-level').selectOption('care_3');
      await tanaka.locator('[data-testid="search-district"] option[value="北地区"]').waitFor({ state: 'attached' });
      await byTestId(tanaka, 'search-district').selectOption('北地区');
      await byTestId(tanaka, 'search-submit').click();
      await tanaka.locator('[data-testid="search-results"][data-state="loaded"]').waitFor({ state: 'attached' });
      assert.equal(await tanaka.locator(`[data-testid="search-result"][data-id="${FACILITY}"]`).count(), 0,
        'no bed those nights yet');
      await byTestId(tanaka, 'watch-name').fill(uniqueText(WATCH_PREFIX));
      await byTestId(tanaka, 'watch-save').click();
      const saved = tanaka.locator('[data-testid="watch-saved"]:visible');
      await saved.waitFor();
      watchId = await saved.getAttribute('data-id');
      assert.ok(watchId, 'the saved watch names its id');
      await byTestId(tanaka, 'watch-saved-link').click();
      await tanaka.locator(`[data-testid="watch-page"][data-state="loaded"][data-id="${watchId}"]`).waitFor({ state: 'attached' });
      assert.equal(await tanaka.locator(`[data-testid="watch-match"][data-id="${FACILITY}"]`).count(), 0,
        'the facility does not match yet');
      await markNoReload(tanaka);

      // takahashi updates the range on his facility's page
      await byTestId(staff, 'nav-vacancy').click();
      await byTestId(staff, 'vac-tab-facilities').click();
      await staff.locator(`[data-testid="my-facility"][data-id="${FACILITY}"] [data-testid="my-facility-link"]`).click();
      await staff.locator(`[data-testid="vac-facility-page"][data-state="loaded"][data-id="${FACILITY}"][data-staff="true"]`)
        .waitFor({ state: 'attached' });
      await staff.locator('[data-testid="beds-days"][data-state="loaded"]').waitFor({ state: 'attached' });
      // a range that ends before it starts: refused next to the form
      await byTestId(staff, 'beds-from').fill(to);
      await byTestId(staff, 'beds-to').fill(from);
      await byTestId(staff, 'beds-submit').click();
      await staff.locator('[data-testid="beds-error"][data-code="invalid_range"]:not(:empty)').waitFor();
      await byTestId(staff, 'beds-from').fill(from);
      await byTestId(staff, 'beds-to').fill(to);
      await byTestId(staff, 'beds-men').fill('0');
      await byTestId(staff, 'beds-women').fill('2');
      await byTestId(staff, 'beds-either').fill('0');
      for (const l of ['care_1', 'care_2', 'care_3']) await byTestId(staff, `beds-level-${l}`).setChecked(true);
      await byTestId(staff, 'beds-submit').click();
      await staff.locator('[data-testid="beds-saved"]:visible').waitFor();
      assert.equal(await staff.locator('[data-testid="beds-error"]').textContent(), '');
      const beds = await pageApiOk(staff, 'GET', `/facilities/${FACILITY}/beds?kind=short_stay&from=${from}&to=${to}`);
      assert.deepEqual(beds.days.map((d) => [d.day, d.women]), [[from, 2], [dayPlus(41), 2], [to, 2]]);

      // tanaka's open page: the notification arrives live, the watch shows the match
      const note = tanaka.locator(`[data-testid="feed-item"][data-kind="vacancy_match"] a[href="#/vacancy/watches/${watchId}"]`);
      await note.waitFor({ state: 'attached', timeout: LIVE_TIMEOUT });
      await tanaka.locator(`[data-testid="watch-match"][data-id="${FACILITY}"]`).waitFor({ timeout: LIVE_TIMEOUT });
      await byTestId(tanaka, 'watch-live').waitFor();
      assert.ok(await notReloaded(tanaka), 'the notification came without a reload');

      // she opens it from the feed and holds a bed from the watch's matches
      await byTestId(tanaka, 'nav-home').click();
      await note.click();
      await tanaka.locator(`[data-testid="watch-page"][data-state="loaded"][data-id="${watchId}"]`).waitFor({ state: 'attached' });
      const match = tanaka.locator(`[data-testid="watch-match"][data-id="${FACILITY}"]`);
      await match.locator('[data-testid="match-hold"]').click();
      await match.locator('[data-testid="hold-client"]').fill('A様 要介護3');
      assert.equal(await match.locator('[data-testid="hold-room"]').inputValue(), 'women');
      await match.locator('[data-testid="hold-submit"]').click();
      const placed = match.locator('[data-testid="hold-placed"]');
      await placed.waitFor();
      holdId = await placed.getAttribute('data-id');
      assert.ok(holdId);
      await match.locator('[data-testid="hold-placed-link"]').click();
      await tanaka.locator('[data-testid="hold-page"][data-state="loaded"][data-status="held"]').waitFor({ state: 'attached' });
      await byTestId(tanaka, 'hold-expires').waitFor();
      assert.equal(await byTestId(tanaka, 'hold-confirm').count(), 0, 'the holder does not confirm');

      // takahashi sees the hold on his facility's page (live) and confirms it
      const card = staff.locator(`[data-testid="facility-holds"] [data-testid="hold-card"][data-id="${holdId}"]`);
      await card.waitFor({ timeout: LIVE_TIMEOUT });
      await card.locator('[data-testid="hold-confirm"]').click();
      await staff.locator(`[data-testid="facility-holds"] [data-testid="hold-card"][data-id="${holdId}"][data-status="confirmed"]`).waitFor();

      // tanaka's hold page shows it confirmed, live
      await tanaka.locator('[data-testid="hold-page"][data-state="loaded"][data-status="confirmed"]').waitFor({ state: 'attached', timeout: LIVE_TIMEOUT });
      await tanaka.locator(`[data-testid="feed-item"][data-kind="hold_confirmed"] a[href="#/vacancy/holds/${holdId}"]`)
        .waitFor({ state: 'attached', timeout: LIVE_TIMEOUT });
      assert.ok(await notReloaded(tanaka));
      assert.deepEqual(tanaka.carelinkErrors, []);
      assert.deepEqual(staff.carelinkErrors, []);

      // a police officer sees no vacancies: no menu entry, 404 from every route
      assert.equal(await login(police, NAKAMURA.email), NAKAMURA.name);
      assert.equal(await byTestId(police, 'nav-vacancy').isHidden(), true);
      for (const path of ['/board?kind=short_stay', '/capacity', '/freshness', '/watches',
        `/holds/${holdId}`, `/facilities/${FACILITY}/beds?kind=short_stay`,
        `/search/beds?kind=short_stay&from=${from}&to=${to}`]) {
        assert.equal(await apiStatus(police, path), 404, path);
      }
      await police.evaluate(() => { location.hash = '#/vacancy'; });
      await police.locator('[data-testid="board"][data-state="error"] [data-testid="vac-error"]').waitFor();
      await police.evaluate((id) => { location.hash = `#/vacancy/holds/${id}`; }, holdId);
      await police.locator('[data-testid="hold-page"][data-state="error"]').waitFor({ state: 'attached' });
      assert.deepEqual(police.carelinkErrors, []);
    } finally {
      // leave the demo facility and tanaka's watches as they were
      if (holdId) await pageApi(staff, 'POST', `/holds/${holdId}/release`, {}).catch(() => {});
      if (watchId) await pageApi(tanaka, 'DELETE', `/watches/${watchId}`).catch(() => {});
      await closeAll(staff, tanaka, police);
    }
  });
