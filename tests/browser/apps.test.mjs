// Apps in the browser: a tenant admin creates an app with three fields on
// the municipality admin page; a care manager adds a record through the
// form generated from them (a missing required value is named next to its
// input first); a care worker in another browser sees the record in the
// app's list. The event calendar shows this month's trainings; registering
// changes the count, a full event says 満員です and its organiser lists who
// registered. The facility directory lists the facilities of a district.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, closeBrowser, newPage, login, byTestId, baseUrl, DEMO, uniqueText,
} from './lib/browser.mjs';
import { pageApiOk, uniqueKana } from './lib/workspace.mjs';

const TAKAHASHI = { email: 'takahashi@demo.carelink.jp', name: '高橋 健' };
const HOUR = 3600_000;

let browser;

before(async () => { browser = await startBrowser(); }, { timeout: 60_000 });
after(() => closeBrowser(browser));

/** "YYYY-MM-DD" / "YYYY-MM" of a time in Asia/Tokyo. */
function tokyoDay(ms) {
  return new Date(ms + 9 * HOUR).toISOString().slice(0, 10);
}

/** RFC 3339 with +09:00 of a time. */
function tokyoIso(ms) {
  return `${new Date(ms + 9 * HOUR).toISOString().slice(0, 19)}+09:00`;
}

async function closeAll(...pages) {
  for (const p of pages) await p.context().close().catch(() => {});
}

test('a tenant admin makes an app with three fields, a user adds a record, another sees it',
  { timeout: 300_000 }, async () => {
    const admin = await newPage(browser);
    const tanaka = await newPage(browser);
    const ito = await newPage(browser);
    try {
      assert.equal(await login(admin, TAKAHASHI.email), TAKAHASHI.name);
      await byTestId(admin, 'nav-tenant').click();
      await admin.locator('[data-testid="apps-admin-list"][data-state="loaded"]').waitFor({ state: 'attached' });
      const appName = uniqueText('訪問記録');
      await byTestId(admin, 'app-new-open').click();
      await byTestId(admin, 'app-new-name').fill(appName);
      await byTestId(admin, 'app-new-desc').fill('ブラウザテストで作ったアプリ');
      const rows = admin.locator('[data-testid="app-new-fields"] [data-testid="builder-field"]');
      assert.equal(await rows.count(), 1, 'a new app starts with one field');
      await byTestId(admin, 'field-add').click();
      await byTestId(admin, 'field-add').click();
      const fill = async (i, key, label, type, required) => {
        const row = rows.nth(i);
        await row.locator('[data-testid="field-key"]').fill(key);
        await row.locator('[data-testid="field-label"]').fill(label);
        await row.locator('[data-testid="field-type"]').selectOption(type);
        await row.locator('[data-testid="field-required"]').setChecked(required);
        return row;
      };
      await fill(0, 'client', '利用者名', 'text', true);
      const visits = await fill(1, 'visits', '訪問回数', 'number', false);
      await visits.locator('[data-testid="field-min"]').fill('0');
      const kind = await fill(2, 'kind', '区分', 'choice', false);
      await kind.locator('[data-testid="field-choices"]').fill('要支援\n要介護\n事業対象者');
      await byTestId(admin, 'app-create').click();
      const made = admin.locator('[data-testid="app-admin-row"]').filter({ hasText: appName });
      await made.waitFor();
      const appId = await made.getAttribute('data-id');
      assert.deepEqual(admin.carelinkErrors, []);

      // tanaka: the app from the home page's list, the generated form.
      assert.equal(await login(tanaka, DEMO.tanaka.email), DEMO.tanaka.name);
      const item = tanaka.locator(`[data-testid="app-item"][data-id="${appId}"]`);
      await item.click();
      await tanaka.locator(`[data-testid="app-page"][data-state="loaded"][data-app-id="${appId}"]`).waitFor();
      assert.equal((await byTestId(tanaka, 'app-title').textContent()).trim(), appName);
      await byTestId(tanaka, 'app-new-record').click();
      for (const key of ['client', 'visits', 'kind']) {
        await byTestId(tanaka, `record-input-${key}`).waitFor();
      }
      assert.equal(await byTestId(tanaka, 'record-input-visits').getAttribute('type'), 'number');
      assert.equal(await byTestId(tanaka, 'record-input-kind').evaluate((el) => el.tagName), 'SELECT');
      // the required field left empty: the API's message next to its input
      await byTestId(tanaka, 'record-save').click();
      await tanaka.locator('[data-testid="record-error-client"]:not(:empty)').waitFor();
      const client = `${uniqueKana(6)} 様`;
      await byTestId(tanaka, 'record-input-client').fill(client);
      await byTestId(tanaka, 'record-input-visits').fill('3');
      await byTestId(tanaka, 'record-input-kind').selectOption('要介護');
      await byTestId(tanaka, 'record-save').click();
      await tanaka.locator('[data-testid="record-page"][data-state="loaded"]').waitFor();
      assert.equal((await byTestId(tanaka, 'record-value-client').textContent()).trim(), client);
      assert.equal((await byTestId(tanaka, 'record-value-kind').textContent()).trim(), '要介護');
      await tanaka.locator('[data-testid="record-history"][data-state="loaded"] [data-action="created"]').waitFor();
      assert.deepEqual(tanaka.carelinkErrors, []);

      // ito, in another browser: the record in the app's list, found by a filter.
      assert.equal(await login(ito, DEMO.ito.email), DEMO.ito.name);
      await ito.locator(`[data-testid="app-item"][data-id="${appId}"]`).click();
      await ito.locator('[data-testid="app-table"][data-state="loaded"]').waitFor({ state: 'attached' });
      const row = byTestId(ito, 'app-row').filter({ hasText: client });
      await row.waitFor();
      assert.ok((await row.textContent()).includes('要介護'));
      await byTestId(ito, 'app-filter-kind').selectOption('要支援');
      await ito.locator('[data-testid="app-table"][data-state="loaded"]').waitFor({ state: 'attached' });
      await row.waitFor({ state: 'detached' });
      await byTestId(ito, 'app-filter-kind').selectOption('要介護');
      await row.waitFor();
      assert.deepEqual(ito.carelinkErrors, []);
    } finally {
      await closeAll(admin, tanaka, ito);
    }
  });

test('the event calendar shows this month\'s trainings; registering changes the count',
  { timeout: 180_000 }, async () => {
    const tanaka = await newPage(browser);
    const ito = await newPage(browser);
    try {
      assert.equal(await login(tanaka, DEMO.tanaka.email), DEMO.tanaka.name);
      // a training of this month with one seat (later today when the month allows, else earlier)
      const now = Date.now();
      const month = tokyoDay(now).slice(0, 7);
      const start = tokyoDay(now + 2 * HOUR).startsWith(month) ? now + 2 * HOUR : now + 10 * 60_000;
      const title = uniqueText('研修 多職種連携');
      const made = (await pageApiOk(tanaka, 'POST', '/apps/events/records', {
        values: { title, kind: '研修', starts_at: tokyoIso(start), ends_at: tokyoIso(start + HOUR), place: '市役所 会議室', capacity: 1 },
      })).record;

      assert.equal(await login(ito, DEMO.ito.email), DEMO.ito.name);
      await byTestId(ito, 'nav-events').click();
      await ito.locator('[data-testid="app-page"][data-state="loaded"][data-view="calendar"]').waitFor();
      await ito.locator(`[data-testid="cal-grid"][data-state="loaded"][data-month="${month}"]`).waitFor({ state: 'attached' });
      const trainings = ito.locator('[data-testid="cal-item"]').filter({ has: ito.locator('[data-testid="event-kind-badge"]', { hasText: '研修' }) });
      assert.ok(await trainings.count() >= 1, 'this month shows trainings');
      const mine = ito.locator(`[data-testid="cal-item"][data-id="${made.id}"]`);
      assert.equal(await mine.getAttribute('data-day'), tokyoDay(start));
      await mine.click();

      const reg = byTestId(ito, 'event-registration');
      await reg.waitFor();
      assert.equal(await reg.getAttribute('data-count'), '0');
      assert.equal(await reg.getAttribute('data-registered'), 'false');
      await byTestId(ito, 'event-register').click();
      await ito.locator('[data-testid="event-registration"][data-registered="true"][data-count="1"]').waitFor();
      assert.equal((await byTestId(ito, 'event-full').textContent()).trim(), '満員です');
      assert.ok((await byTestId(ito, 'event-count').textContent()).includes('1'));

      // the organiser's organisation (tanaka's) sees who registered; the calendar marks it full
      await tanaka.goto(`${baseUrl()}/#/app-records/${made.id}`);
      await tanaka.locator('[data-testid="event-people"][data-state="loaded"]').waitFor({ state: 'attached' });
      assert.ok((await byTestId(tanaka, 'event-people').textContent()).includes(DEMO.ito.name));
      assert.equal(await byTestId(tanaka, 'event-register').count(), 0, 'no registration on a full event');
      await tanaka.goto(`${baseUrl()}/#/apps/events?view=calendar&month=${month}`);
      await tanaka.locator(`[data-testid="cal-item"][data-id="${made.id}"] [data-testid="event-full-badge"]`).waitFor();

      await byTestId(ito, 'event-unregister').click();
      await ito.locator('[data-testid="event-registration"][data-registered="false"][data-count="0"]').waitFor();
      assert.equal(await byTestId(ito, 'event-full').count(), 0);
      assert.deepEqual(ito.carelinkErrors, []);
      assert.deepEqual(tanaka.carelinkErrors, []);
    } finally {
      await closeAll(tanaka, ito);
    }
  });

test('the facility directory lists the facilities of a district', { timeout: 120_000 }, async () => {
  const ito = await newPage(browser);
  try {
    assert.equal(await login(ito, DEMO.ito.email), DEMO.ito.name);
    await byTestId(ito, 'nav-facilities').click();
    await ito.locator('[data-testid="district-list"][data-state="loaded"]').waitFor({ state: 'attached' });
    const district = ito.locator('[data-testid="district-item"][data-name="北地区"]');
    const count = Number(await district.getAttribute('data-count'));
    assert.ok(count > 0, 'the demo has facilities in 北地区');
    await district.click();
    await ito.locator('[data-testid="facility-list"][data-state="loaded"][data-district="北地区"]').waitFor({ state: 'attached' });
    const items = byTestId(ito, 'facility-item');
    assert.equal(await items.count(), count);
    const districts = await items.evaluateAll((els) => els.map((e) => e.dataset.district));
    assert.ok(districts.every((d) => d === '北地区'), districts.join(','));
    await items.first().locator('[data-testid="facility-link"]').click();
    await ito.locator('[data-testid="facility-page"][data-state="loaded"]').waitFor();
    assert.equal((await byTestId(ito, 'facility-district').textContent()).trim(), '北地区');
    const phone = byTestId(ito, 'facility-phone').locator('a');
    if (await phone.count()) assert.match(await phone.getAttribute('href'), /^tel:[0-9+]+$/);
    assert.deepEqual(ito.carelinkErrors, []);
  } finally {
    await closeAll(ito);
  }
});

test('a CSV import: the dry run reports the bad row by line, then a clean file is imported',
  { timeout: 120_000 }, async () => {
    const tanaka = await newPage(browser);
    try {
      assert.equal(await login(tanaka, DEMO.tanaka.email), DEMO.tanaka.name);
      await tanaka.goto(`${baseUrl()}/#/apps/events?view=list`);
      await tanaka.locator('[data-testid="app-page"][data-state="loaded"]').waitFor();
      await byTestId(tanaka, 'app-import-link').click();
      await byTestId(tanaka, 'import-page').waitFor();
      const day = tokyoDay(Date.now() + 40 * 24 * HOUR);
      const a = uniqueText('勉強会 取り込み');
      const b = uniqueText('会議 取り込み');
      const csv = (kindB) => Buffer.from(`title,kind,starts_at,place\n"${a}",勉強会,${day} 18:00,市役所\n"${b}",${kindB},${day} 10:00,包括\n`, 'utf8');
      await byTestId(tanaka, 'import-file').setInputFiles({ name: 'events.csv', mimeType: 'text/csv', buffer: csv('宴会') });
      await byTestId(tanaka, 'import-encoding').selectOption('utf-8');
      await byTestId(tanaka, 'import-dry-run').click();
      await tanaka.locator('[data-testid="import-result"][data-state="done"]').waitFor();
      const bad = byTestId(tanaka, 'import-error-row');
      assert.equal(await bad.count(), 1);
      assert.equal(await bad.getAttribute('data-line'), '3');
      assert.ok(await byTestId(tanaka, 'import-commit').isDisabled(), 'nothing to import after a failed check');

      await byTestId(tanaka, 'import-file').setInputFiles({ name: 'events.csv', mimeType: 'text/csv', buffer: csv('会議') });
      await byTestId(tanaka, 'import-dry-run').click();
      await byTestId(tanaka, 'import-ok').waitFor();
      assert.ok((await byTestId(tanaka, 'import-progress-text').textContent()).includes('2'));
      await byTestId(tanaka, 'import-commit').click();
      await byTestId(tanaka, 'import-done').waitFor();
      const found = await pageApiOk(tanaka, 'GET', `/apps/events/records?q=${encodeURIComponent(a)}`);
      assert.equal(found.total, 1);
      assert.deepEqual(tanaka.carelinkErrors, []);
    } finally {
      await closeAll(tanaka);
    }
  });
