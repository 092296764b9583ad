// Patient files in the browser (issue 7): a care manager registers a
// patient with consent and adds the doctor to the care team (a patient
// without consent refuses it with consent_required); the doctor, in his
// page, records vitals with one-tap vitals using the keyboard only (an
// out-of-range value is refused next to the form first, naming the field),
// then a message to the care manager; her open page gets the
// patient_message notification live and opens the entry from it; the doctor
// records a round for two patients (a faulty row is refused next to that
// row first, nothing written); a care worker who is not on the team gets
// the not-found page for the patient's URL; the access history shows her
// denied attempt, and its CSV too; the doctor opens another patient's file
// by break-glass with a reason and the care manager is told live. Second
// test: templates (saved, used, deleted), attachments, corrections and the
// category filter.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, closeBrowser, newPage, login, byTestId, DEMO, markNoReload, notReloaded,
  waitForStream, apiStatus, API_PREFIX,
} from './lib/browser.mjs';
import { pageApi, pageApiOk, uniqueKana, pngImage } from './lib/workspace.mjs';

const TANAKA_ID = '5e6f7a8b-0002-4000-8000-000000000001';
const SATO_ID = '5e6f7a8b-0002-4000-8000-000000000002';
const ITO_ID = '5e6f7a8b-0002-4000-8000-000000000005';
const YAMAMOTO_ID = '5e6f7a8b-0002-4000-8000-000000000007';
// 山田 太郎 of tools/demo/patients.json: 佐藤 is his primary doctor
const DEMO_PATIENT = '5e6f7a8b-0007-4000-8000-000000000001';
const LIVE_TIMEOUT = 30_000;

let browser;

before(async () => { browser = await startBrowser(); }, { timeout: 60_000 });
after(() => closeBrowser(browser));

async function closeAll(...pages) {
  for (const p of pages) await p.context().close().catch(() => {});
}

/** Type into the focused field, as a person at the keyboard does. */
async function typeKeys(page, ...keys) {
  for (const k of keys) {
    if (k.startsWith('{') && k.endsWith('}')) await page.keyboard.press(k.slice(1, -1));
    else await page.keyboard.type(k);
  }
}

async function focusedTestId(page) {
  return page.evaluate(() => document.activeElement && document.activeElement.dataset.testid);
}

test('a care team records vitals by keyboard, messages live and a round; an outsider finds nothing and is in the history',
  { timeout: 300_000 }, async () => {
    const tanaka = await newPage(browser);
    // tanaka's page runs on a clock the test can move on: her open file
    // re-reads itself every 20 seconds, and the test need not wait that out
    await tanaka.clock.install();
    await tanaka.reload();
    const sato = await newPage(browser);
    const ito = await newPage(browser);
    const kana = uniqueKana(5);
    const name = `試験 ${kana}`;
    let patientId = null;
    let noConsentId = null;
    try {
      // tanaka registers a patient with consent
      assert.equal(await login(tanaka, DEMO.tanaka.email), DEMO.tanaka.name);
      await waitForStream(tanaka);
      await byTestId(tanaka, 'nav-patients').click();
      await tanaka.locator('[data-testid="patients-list"][data-state="loaded"]').waitFor({ state: 'attached' });
      await byTestId(tanaka, 'pt-tab-register').click();
      await byTestId(tanaka, 'reg-form').waitFor();
      await byTestId(tanaka, 'reg-name').fill(name);
      await byTestId(tanaka, 'reg-kana').fill(`シケン ${kana}`);
      await byTestId(tanaka, 'reg-birth').fill('1940-05-06');
      await byTestId(tanaka, 'reg-address').fill('みどり市中央町9-9-9');
      await byTestId(tanaka, 'reg-care-level').selectOption('care_2');
      await byTestId(tanaka, 'reg-contact-name').fill('試験 長女');
      await byTestId(tanaka, 'reg-contact-relation').fill('長女');
      await byTestId(tanaka, 'reg-contact-phone').fill('090-0000-1234');
      await byTestId(tanaka, 'reg-consent').check();
      await byTestId(tanaka, 'reg-consent-date').fill('2026-11-20');
      await byTestId(tanaka, 'reg-consent-scope').selectOption('care_team');
      await byTestId(tanaka, 'reg-role').selectOption('care_manager');
      await byTestId(tanaka, 'reg-submit').click();
      const filePage = tanaka.locator('[data-testid="patient-page"][data-state="loaded"]');
      await filePage.waitFor({ state: 'attached' });
      patientId = await filePage.getAttribute('data-id');
      assert.ok(patientId);
      assert.equal(await byTestId(tanaka, 'patient-name').innerText().then((s) => s.startsWith(name)), true);
      assert.equal(await byTestId(tanaka, 'patient-consent').getAttribute('data-given'), 'true');

      // she adds sato as the primary doctor
      await byTestId(tanaka, 'team-person-q').fill('佐藤');
      await tanaka.locator(`[data-testid="team-person"] option[value="${SATO_ID}"]`).waitFor({ state: 'attached' });
      await byTestId(tanaka, 'team-person').selectOption(SATO_ID);
      await byTestId(tanaka, 'team-role').selectOption('primary_doctor');
      await byTestId(tanaka, 'team-add').click();
      await tanaka.locator(`[data-testid="team-member"][data-user-id="${SATO_ID}"][data-role="primary_doctor"]`).waitFor();

      // a patient without consent is not shared: 409 consent_required next to the form
      const nc = await pageApiOk(tanaka, 'POST', '/patients', {
        name: `同意なし ${kana}`, kana: `ドウイナシ ${kana}`, birth_date: '1939-01-02', my_role: 'care_manager',
      });
      noConsentId = nc.patient.id;
      await tanaka.evaluate((id) => { location.hash = `#/patients/${id}`; }, noConsentId);
      await tanaka.locator(`[data-testid="patient-page"][data-state="loaded"][data-id="${noConsentId}"]`).waitFor({ state: 'attached' });
      await byTestId(tanaka, 'team-person-q').fill('佐藤');
      await tanaka.locator(`[data-testid="team-person"] option[value="${SATO_ID}"]`).waitFor({ state: 'attached' });
      await byTestId(tanaka, 'team-person').selectOption(SATO_ID);
      await byTestId(tanaka, 'team-add').click();
      await tanaka.locator('[data-testid="team-error"][data-code="consent_required"]:not(:empty)').waitFor();
      assert.equal(await tanaka.locator(`[data-testid="team-member"][data-user-id="${SATO_ID}"]`).count(), 0);
      // consent recorded on the file, the team may grow (山本, the pharmacist)
      await byTestId(tanaka, 'consent-submit').click();
      await tanaka.locator(`[data-testid="patient-page"][data-state="loaded"][data-id="${noConsentId}"] [data-testid="patient-consent"][data-given="true"]`)
        .waitFor({ state: 'attached' });
      assert.equal(await byTestId(tanaka, 'consent-form').count(), 0);
      await byTestId(tanaka, 'team-person-q').fill('山本');
      await tanaka.locator(`[data-testid="team-person"] option[value="${YAMAMOTO_ID}"]`).waitFor({ state: 'attached' });
      await byTestId(tanaka, 'team-person').selectOption(YAMAMOTO_ID);
      await byTestId(tanaka, 'team-role').selectOption('pharmacist');
      await byTestId(tanaka, 'team-add').click();
      await tanaka.locator(`[data-testid="team-member"][data-user-id="${YAMAMOTO_ID}"][data-role="pharmacist"]`).waitFor();

      // tanaka keeps the new patient's file open
      await tanaka.evaluate((id) => { location.hash = `#/patients/${id}`; }, patientId);
      await tanaka.locator(`[data-testid="patient-page"][data-state="loaded"][data-id="${patientId}"]`).waitFor({ state: 'attached' });
      await markNoReload(tanaka);

      // sato opens the file from his patients
      assert.equal(await login(sato, DEMO.sato.email), DEMO.sato.name);
      await byTestId(sato, 'nav-patients').click();
      await sato.locator(`[data-testid="patient-item"][data-id="${patientId}"] [data-testid="patient-link"]`).click();
      await sato.locator(`[data-testid="patient-page"][data-state="loaded"][data-id="${patientId}"]`).waitFor({ state: 'attached' });
      await sato.locator('[data-testid="timeline"][data-state="loaded"]').waitFor({ state: 'attached' });

      // one-tap vitals, keyboard only: v opens it with the first field focused
      await sato.evaluate(() => document.activeElement && document.activeElement.blur());
      await sato.keyboard.press('v');
      await sato.locator('[data-testid="entry-form"][data-category="vitals"]').waitFor();
      assert.equal(await focusedTestId(sato), 'vital-systolic');
      // an out-of-range value first: refused next to the form, naming the field, focus back on it
      await typeKeys(sato, '400', '{Tab}', '80', '{Enter}');
      await sato.locator('[data-testid="entry-error"][data-code="invalid_vitals"][data-field="systolic"]:not(:empty)').waitFor();
      assert.equal(await focusedTestId(sato), 'vital-systolic');
      await typeKeys(sato, '132', '{Tab}', '78', '{Tab}', '70', '{Tab}', '36.6', '{Tab}', '97', '{Enter}');
      const saved = sato.locator('[data-testid="entry-saved"]:visible');
      await saved.waitFor();
      const vitalsId = await saved.getAttribute('data-id');
      const vitalsEntry = sato.locator(`[data-testid="timeline"] [data-testid="entry"][data-id="${vitalsId}"][data-category="vitals"]`);
      await vitalsEntry.waitFor();
      assert.match(await vitalsEntry.locator('[data-testid="entry-fields"]').innerText(), /132\/78/);
      assert.equal(await focusedTestId(sato), 'vitals-quick', 'focus is back on one-tap vitals for the next one');
      const stored = await pageApiOk(sato, 'GET', `/entries/${vitalsId}`);
      assert.deepEqual(stored.entry.fields, { systolic: 132, diastolic: 78, pulse: 70, temperature: 36.6, spo2: 97 });

      // tanaka's open file shows the vitals too (no notification for vitals: the page re-reads
      // itself every 20 seconds; her page's clock is moved on by that much, and again should
      // a re-read have been under way then)
      const tanakaVitals = tanaka.locator(`[data-testid="timeline"] [data-testid="entry"][data-id="${vitalsId}"]`);
      const vitalsDeadline = Date.now() + LIVE_TIMEOUT;
      for (;;) {
        await tanaka.clock.fastForward(20_000);
        try {
          await tanakaVitals.waitFor({ timeout: 3_000 });
          break;
        } catch (err) {
          if (Date.now() > vitalsDeadline) throw err;
        }
      }

      // one-tap vitals again: the last values are prefilled
      await sato.keyboard.press('v');
      await sato.locator('[data-testid="entry-form"][data-category="vitals"]').waitFor();
      await sato.locator('[data-testid="vital-pulse"]').waitFor();
      assert.equal(await byTestId(sato, 'vital-systolic').inputValue(), '132');
      await sato.keyboard.press('Escape');
      await sato.locator('[data-testid="entry-form"]').waitFor({ state: 'detached' });

      // a message to tanaka
      await byTestId(sato, 'entry-cat-message').click();
      await sato.locator('[data-testid="entry-form"][data-category="message"]').waitFor();
      const msgText = `褥瘡の確認をお願いします ${kana}`;
      await byTestId(sato, 'entry-text-input').fill(msgText);
      await byTestId(sato, `entry-to-${TANAKA_ID}`).check();
      await byTestId(sato, 'entry-submit').click();
      await sato.locator(`[data-testid="entry-saved"]:visible:not([data-id="${vitalsId}"])`).waitFor();
      const messageId = await sato.locator('[data-testid="entry-saved"]').getAttribute('data-id');
      assert.notEqual(messageId, vitalsId);

      // tanaka's open page: the notification arrives live; she opens the entry from it
      const note = tanaka.locator(`[data-testid="feed-item"][data-kind="patient_message"] a[href="#/patients/${patientId}/entries/${messageId}"]`);
      await note.waitFor({ state: 'attached', timeout: LIVE_TIMEOUT });
      await tanaka.locator(`[data-testid="timeline"] [data-testid="entry"][data-id="${messageId}"]`).waitFor({ timeout: LIVE_TIMEOUT });
      assert.ok(await notReloaded(tanaka), 'the notification came without a reload');
      const noteText = await tanaka.locator(`[data-testid="feed-item"][data-kind="patient_message"]`).first().innerText();
      assert.ok(!noteText.includes(name) && !noteText.includes(msgText), 'the notification names neither patient nor text');
      await byTestId(tanaka, 'nav-home').click();
      await note.click();
      const opened = tanaka.locator(`[data-testid="entry-opened"][data-id="${messageId}"]`);
      await opened.waitFor();
      assert.equal(await opened.locator('[data-testid="entry-text"]').innerText(), msgText);
      // shown, so marked read
      await tanaka.waitForFunction(async ({ prefix, id }) => {
        const r = await fetch(`${prefix}/entries/${id}`, { credentials: 'same-origin', cache: 'no-store' });
        return (await r.json()).entry.read === true;
      }, { prefix: API_PREFIX, id: messageId }, { timeout: 15_000, polling: 500 });

      // a round by sato for two patients; a faulty row first: refused at that row, nothing written
      const before = (await pageApiOk(sato, 'GET', `/patients/${DEMO_PATIENT}/entries?limit=200`)).entries.length;
      await byTestId(sato, 'rounds-link').click();
      await sato.locator('[data-testid="round-patients"][data-state="loaded"]').waitFor({ state: 'attached' });
      await sato.locator(`[data-testid="round-patients"] label[data-patient-id="${patientId}"] input`).check();
      await sato.locator(`[data-testid="round-patients"] label[data-patient-id="${DEMO_PATIENT}"] input`).check();
      const rowNew = sato.locator(`[data-testid="round-row"][data-patient-id="${patientId}"]`);
      const rowDemo = sato.locator(`[data-testid="round-row"][data-patient-id="${DEMO_PATIENT}"]`);
      await rowNew.locator('[data-testid="round-category"]').selectOption('vitals');
      await rowNew.locator('[data-testid="round-vital-systolic"]').fill('128');
      await rowNew.locator('[data-testid="round-vital-diastolic"]').fill('74');
      await rowDemo.locator('[data-testid="round-category"]').selectOption('vitals');
      await rowDemo.locator('[data-testid="round-vital-spo2"]').fill('30');
      await byTestId(sato, 'round-submit').click();
      await rowDemo.locator('[data-testid="round-row-error"][data-code="invalid_vitals"]:not(:empty)').waitFor();
      assert.equal(await rowNew.locator('[data-testid="round-row-error"]').innerText(), '');
      assert.equal((await pageApiOk(sato, 'GET', `/patients/${DEMO_PATIENT}/entries?limit=200`)).entries.length, before);
      await rowDemo.locator('[data-testid="round-category"]').selectOption('visit_note');
      await rowDemo.locator('[data-testid="round-text"]').fill(`回診。変わりなし ${kana}`);
      await byTestId(sato, 'round-submit').click();
      await sato.locator('[data-testid="round-done"][data-count="2"]:visible').waitFor();
      const savedRows = await sato.locator('[data-testid="round-saved"]').evaluateAll((els) => els.map((e) => e.dataset.patientId).sort());
      assert.deepEqual(savedRows, [patientId, DEMO_PATIENT].sort());

      // ito is not on the new patient's team: the not-found page, and a 404 from the API
      assert.equal(await login(ito, DEMO.ito.email), DEMO.ito.name);
      await ito.evaluate((id) => { location.hash = `#/patients/${id}`; }, patientId);
      await ito.locator('[data-testid="patient-page"][data-state="error"] [data-testid="patient-not-found"]').waitFor();
      assert.match(await byTestId(ito, 'patient-not-found').innerText(), /見つからないか、閲覧権限がありません/);
      assert.equal(await byTestId(ito, 'break-glass-link').count(), 0, 'a care worker is offered no break-glass');
      assert.equal(await ito.locator('[data-testid="patient-name"]').count(), 0);
      assert.equal(await apiStatus(ito, `/patients/${patientId}/entries`), 404);

      // the access history shows ito's denied attempt
      await tanaka.evaluate((id) => { location.hash = `#/patients/${id}/access-history`; }, patientId);
      await tanaka.locator('[data-testid="access-page"][data-state="loaded"]').waitFor({ state: 'attached' });
      await tanaka.locator(`[data-testid="access-row"][data-action="denied"][data-user-id="${ITO_ID}"]`).first().waitFor();
      assert.ok(await tanaka.locator(`[data-testid="access-row"][data-action="write"][data-user-id="${SATO_ID}"]`).count() >= 3);
      const href = await byTestId(tanaka, 'access-csv').getAttribute('href');
      const csv = await tanaka.evaluate(async (u) => {
        const r = await fetch(u, { credentials: 'same-origin' });
        return { status: r.status, type: r.headers.get('Content-Type') || '', text: await r.text() };
      }, href);
      assert.equal(csv.status, 200);
      assert.match(csv.type, /csv/);
      assert.ok(csv.text.includes(DEMO.ito.name) && csv.text.includes('denied'), 'the CSV names the denied attempt');

      // break-glass: sato, a doctor not on the second patient's team, opens it with a written reason;
      // the file shows the banner and tanaka's page is told at once
      await sato.evaluate((id) => { location.hash = `#/patients/${id}`; }, noConsentId);
      await sato.locator('[data-testid="patient-page"][data-state="error"] [data-testid="patient-not-found"]').waitFor();
      await byTestId(sato, 'break-glass-link').click();
      await byTestId(sato, 'bg-form').waitFor();
      await byTestId(sato, 'bg-reason').fill('急変');
      await byTestId(sato, 'bg-submit').click();
      await sato.locator('[data-testid="bg-error"][data-code="reason_required"]:not(:empty)').waitFor();
      await byTestId(sato, 'bg-reason').fill('救急搬送の依頼あり。既往歴と服薬の確認のため閲覧する。');
      await byTestId(sato, 'bg-submit').click();
      await sato.locator(`[data-testid="patient-page"][data-state="loaded"][data-id="${noConsentId}"][data-role="break_glass"]`)
        .waitFor({ state: 'attached' });
      assert.match(await byTestId(sato, 'break-glass-banner').innerText(), /緊急閲覧中（.+まで）/);
      await tanaka.locator(`[data-testid="feed-item"][data-kind="break_glass"]`).first().waitFor({ state: 'attached', timeout: LIVE_TIMEOUT });
      assert.ok(await notReloaded(tanaka));

      assert.deepEqual(tanaka.carelinkErrors, []);
      assert.deepEqual(sato.carelinkErrors, []);
      assert.deepEqual(ito.carelinkErrors, []);
    } finally {
      // sato leaves the test's patient, so reruns do not lengthen his list (a team may not become empty:
      // tanaka stays on it)
      if (patientId) await pageApi(sato, 'DELETE', `/patients/${patientId}/team/${SATO_ID}`).catch(() => {});
      await closeAll(tanaka, sato, ito);
    }
  });

test('a template prefills a visit note with an attachment; a correction links both entries; the filter shows one category',
  { timeout: 180_000 }, async () => {
    const tanaka = await newPage(browser);
    // 鈴木 ハナ of tools/demo/patients.json: 田中 is her care manager
    const patient = '5e6f7a8b-0007-4000-8000-000000000002';
    const kana = uniqueKana(5);
    let templateId = null;
    try {
      assert.equal(await login(tanaka, DEMO.tanaka.email), DEMO.tanaka.name);
      await tanaka.evaluate((id) => { location.hash = `#/patients/${id}`; }, patient);
      await tanaka.locator(`[data-testid="patient-page"][data-state="loaded"][data-id="${patient}"]`).waitFor({ state: 'attached' });
      await tanaka.locator('[data-testid="timeline"][data-state="loaded"]').waitFor({ state: 'attached' });

      // a template saved from the visit-note form
      await byTestId(tanaka, 'entry-cat-visit_note').click();
      await byTestId(tanaka, 'entry-text-input').fill(`定期訪問。特変なし ${kana}`);
      await tanaka.locator('[data-testid="entry-form"] details summary').click();
      await byTestId(tanaka, 'tpl-name').fill(`定期訪問 ${kana}`);
      await byTestId(tanaka, 'tpl-save').click();
      await tanaka.locator('[data-testid="tpl-saved"]:visible').waitFor();
      const { templates } = await pageApiOk(tanaka, 'GET', '/entry-templates');
      templateId = templates.find((x) => x.name === `定期訪問 ${kana}`).id;
      await byTestId(tanaka, 'entry-template').selectOption(String(templateId));
      await byTestId(tanaka, 'entry-cancel').click();

      // it prefills the form opened anew; an attachment goes with the entry
      await byTestId(tanaka, 'entry-cat-visit_note').click();
      await byTestId(tanaka, 'entry-template').selectOption(String(templateId));
      assert.equal(await byTestId(tanaka, 'entry-text-input').inputValue(), `定期訪問。特変なし ${kana}`);
      await byTestId(tanaka, 'entry-files').setInputFiles({ name: 'wound.png', mimeType: 'image/png', buffer: pngImage() });
      await byTestId(tanaka, 'entry-submit').click();
      const saved = tanaka.locator('[data-testid="entry-saved"]:visible');
      await saved.waitFor();
      const firstId = await saved.getAttribute('data-id');
      const first = tanaka.locator(`[data-testid="timeline"] [data-testid="entry"][data-id="${firstId}"]`);
      await first.locator('[data-testid="entry-attachment"]').waitFor();
      assert.equal(await first.locator('[data-testid="entry-attachment"]').innerText(), 'wound.png');
      const href = await first.locator('[data-testid="entry-attachment"]').getAttribute('href');
      assert.equal(await tanaka.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).status, href), 200);

      // a correction: a new entry naming the old one, linked both ways
      await first.locator('[data-testid="entry-correct"]').click();
      await byTestId(tanaka, 'entry-correcting').waitFor();
      await byTestId(tanaka, 'entry-text-input').fill(`定期訪問。軽い咳あり ${kana}`);
      await byTestId(tanaka, 'entry-submit').click();
      await tanaka.locator(`[data-testid="entry-saved"]:visible:not([data-id="${firstId}"])`).waitFor();
      const fixId = await byTestId(tanaka, 'entry-saved').getAttribute('data-id');
      const fix = tanaka.locator(`[data-testid="timeline"] [data-testid="entry"][data-id="${fixId}"][data-corrects="${firstId}"]`);
      await fix.locator('[data-testid="entry-corrects-link"]').waitFor();
      await tanaka.locator(`[data-testid="timeline"] [data-testid="entry"][data-id="${firstId}"] [data-testid="entry-corrected"]`).waitFor();

      // the filter: only vitals
      await byTestId(tanaka, 'timeline-filter-vitals').click();
      await tanaka.locator('[data-testid="timeline"][data-state="loaded"][data-category="vitals"]').waitFor({ state: 'attached' });
      const cats = await tanaka.locator('[data-testid="timeline"] [data-testid="entry"]').evaluateAll((els) => els.map((e) => e.dataset.category));
      assert.ok(cats.length >= 1 && cats.every((c) => c === 'vitals'), JSON.stringify(cats));

      // the template deleted from the form
      await byTestId(tanaka, 'entry-cat-visit_note').click();
      await byTestId(tanaka, 'entry-template').selectOption(String(templateId));
      tanaka.once('dialog', (d) => d.accept());
      await byTestId(tanaka, 'tpl-delete').click();
      await tanaka.locator(`[data-testid="entry-template"] option[value="${templateId}"]`).waitFor({ state: 'detached' });
      const after = await pageApiOk(tanaka, 'GET', '/entry-templates');
      assert.ok(!after.templates.some((x) => x.id === templateId));
      templateId = null;
      assert.deepEqual(tanaka.carelinkErrors, []);
    } finally {
      if (templateId) await pageApi(tanaka, 'DELETE', `/entry-templates/${templateId}`).catch(() => {});
      await closeAll(tanaka);
    }
  });
