// Browser harness for carelink: headless Debian Chromium through playwright-core.
//
//   import { launch, newPage, login, byTestId, DEMO } from './lib/browser.mjs';
//
// The system under test is found at CARELINK_URL (e.g. the URL that
// scripts/up writes to var/url).

import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { totp, currentStep, msToNextStep } from './totp.mjs';

export const CHROMIUM_PATH = process.env.CARELINK_CHROMIUM || '/usr/bin/chromium';

export const DEMO_PASSWORD = 'Carelink-demo-2026!';
export const DEMO = {
  tanaka: { email: 'tanaka@demo.carelink.jp', name: '田中 花子', org: '中央居宅介護支援事業所' },
  sato: { email: 'sato@demo.carelink.jp', name: '佐藤 一郎', org: 'さくら診療所' },
  suzuki: { email: 'suzuki@demo.carelink.jp', name: '鈴木 美咲', org: 'みどり市地域包括支援センター' },
  ito: { email: 'ito@demo.carelink.jp', name: '伊藤 由美', org: 'ひだまり訪問介護' },
  kato: { email: 'kato@demo.carelink.jp', name: '加藤 恵', org: 'みどり市社会福祉協議会' },
};

/** Prefix of the gateway's public API (same origin as the page). */
export const API_PREFIX = '/api/v1';

/** Default time for one UI step (element to appear, request to finish). */
export const STEP_TIMEOUT = 15_000;

/** Base URL of the running system, without a trailing slash. */
export function baseUrl() {
  const url = process.env.CARELINK_URL;
  if (!url || !url.trim()) {
    throw new Error(
      'CARELINK_URL is not set: start the system (scripts/up) and run e.g. ' +
      'CARELINK_URL=$(cat var/url) node --test tests/browser/');
  }
  let parsed;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new Error(`CARELINK_URL is not a valid URL: ${JSON.stringify(url)}`);
  }
  return parsed.href.replace(/\/+$/, '');
}

/** Launch headless Chromium. Close it with browser.close(). */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    timeout: 30_000,
  });
}

/**
 * The browser of a test file: checks that the system's URL is known (a
 * clear failure when CARELINK_URL is unset), then launches. For before().
 */
export async function startBrowser() {
  baseUrl();
  return launch();
}

/** Closes browser (if any) for after(), waiting at most 10 s. */
export async function closeBrowser(browser) {
  if (!browser) return;
  await Promise.race([
    browser.close(),
    new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
  ]);
}

/**
 * A fresh context (own cookies) and page at the app's start page. Uncaught
 * page errors are collected in page.carelinkErrors so tests can assert none.
 */
export async function newPage(browser, { path = '/' } = {}) {
  const base = baseUrl();
  const context = await browser.newContext({
    baseURL: base + '/',
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: { width: 1366, height: 900 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  page.carelinkErrors = [];
  page.on('pageerror', (err) => page.carelinkErrors.push(String(err && err.stack || err)));
  await page.goto(base + path);
  return page;
}

/** Locator for an element's data-testid. */
export function byTestId(page, id) {
  return page.locator(`[data-testid="${id}"]`);
}

/** Fill in and submit the login form; does not wait for the outcome. */
export async function submitLogin(page, email, password) {
  await byTestId(page, 'login-email').fill(email);
  await byTestId(page, 'login-password').fill(password);
  await byTestId(page, 'login-submit').click();
}

/**
 * Log in through the form and wait until the logged-in page shows; returns
 * the name in the header. Two-factor is handled like a person would: a code
 * from the secret this harness enrolled earlier (see rememberTotpSecret), or,
 * when the page asks for mandatory enrolment, enrolment on the spot.
 */
export async function login(page, email, password = DEMO_PASSWORD) {
  await submitLogin(page, email, password);
  const who = byTestId(page, 'user-name');
  const outcome = await loginOutcome(page);
  if (outcome === 'totp') {
    const secret = totpSecretOf(email);
    if (!secret) throw new Error(`login as ${email} asks for a two-factor code, and no enrolled secret is known`);
    await byTestId(page, 'login-totp').fill(await freshTotpCode(email, secret));
    await byTestId(page, 'login-submit').click();
  } else if (outcome === 'enrol') {
    await enrolTotp(page, email);
  }
  try {
    await who.waitFor({ state: 'visible' });
  } catch (err) {
    const shown = await byTestId(page, 'login-error').textContent().catch(() => null);
    throw new Error(`login as ${email} failed` + (shown ? `: ${shown}` : ''), { cause: err });
  }
  return (await who.textContent()).trim();
}

/** After submitting the login form: 'app', 'totp', 'enrol' or 'error'. */
export async function loginOutcome(page, timeout = STEP_TIMEOUT) {
  const which = [
    ['app', '[data-testid="user-name"]:visible'],
    ['totp', '[data-testid="login-totp"]:visible'],
    ['enrol', '[data-testid="totp-secret"]:visible'],
    ['error', '[data-testid="login-error"]:not(:empty)'],
  ];
  await page.locator(which.map(([, sel]) => sel).join(', ')).first().waitFor({ state: 'attached', timeout });
  for (const [name, sel] of which) {
    if (await page.locator(sel).count()) return name;
  }
  return 'error';
}

/**
 * On a page showing the two-factor enrolment steps: read the secret, confirm
 * with a code computed here, remember the secret for later logins, and wait
 * until the page says two-factor is on (or leaves the enrolment screen).
 * Returns the secret.
 */
export async function enrolTotp(page, email) {
  const shown = byTestId(page, 'totp-secret');
  await shown.waitFor({ state: 'visible' });
  const grouped = (await shown.textContent()).trim();
  const secret = grouped.replace(/\s+/g, '');
  const code = await freshTotpCode(email, secret);
  await byTestId(page, 'totp-code').fill(code);
  await byTestId(page, 'totp-confirm').click();
  await page.locator('[data-testid="totp-enabled"], [data-testid="user-name"]:visible, [data-testid="totp-error"]:not(:empty)')
    .first().waitFor({ state: 'attached' });
  const error = page.locator('[data-testid="totp-error"]:not(:empty)');
  if (await error.count()) throw new Error(`two-factor enrolment of ${email} failed: ${await error.first().textContent()}`);
  rememberTotpSecret(email, secret);
  return secret;
}

// Two-factor secrets enrolled by any test of this system, with the last
// time step used: the gateway refuses a code of a step already used, so the
// next code waits for a new step. The integration tests keep theirs in the
// same files (tests/integration/totp_store.py): one JSON file per person,
// {email, secret, lastStep}, under $CARELINK_VAR/test-totp/, so that every
// later test, in any process, can log in as the same person.
function storeFile(email) {
  const dir = process.env.CARELINK_VAR ? join(process.env.CARELINK_VAR, 'test-totp')
    : join(tmpdir(), 'carelink-test-totp');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return join(dir, `${email.toLowerCase()}.json`);
}

function readEntry(email) {
  try {
    return JSON.parse(readFileSync(storeFile(email), 'utf8'));
  } catch {
    return {};
  }
}

function writeEntry(email, entry) {
  const file = storeFile(email);
  writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify({ ...entry, email }), { mode: 0o600 });
  renameSync(`${file}.${process.pid}.tmp`, file);
}

/** Remember the two-factor secret enrolled for email. */
export function rememberTotpSecret(email, secret) {
  writeEntry(email, { ...readEntry(email), secret });
}

/** The two-factor secret this harness enrolled for email, or null. */
export function totpSecretOf(email) {
  return readEntry(email).secret || null;
}

/**
 * A code for email's secret from a time step not used before, and records
 * that step as used. The gateway accepts one step either side of now
 * (GW_TOTP_WINDOW), so the step is now or, when now was used, the next one
 * (never the one before: the page may take a while to send the code); only
 * when that was used too does it wait for the clock.
 */
export async function freshTotpCode(email, secret) {
  const last = readEntry(email).lastStep ?? -1;
  while (Math.max(currentStep(), last + 1) > currentStep() + 1) {
    await new Promise((resolve) => setTimeout(resolve, msToNextStep() + 200));
  }
  const step = Math.max(currentStep(), last + 1);
  writeEntry(email, { ...readEntry(email), lastStep: step });
  return totp(secret, { step });
}

/** Open a page from the header menu (nav-home, nav-people, nav-profile, ...). */
export async function openNav(page, id) {
  await byTestId(page, id).click();
}

/**
 * Open, through the UI, the first space that holds a thread titled `title`;
 * returns the thread's id once its posts are shown.
 */
export async function openThread(page, title) {
  await openNav(page, 'nav-home');
  const spaces = byTestId(page, 'space-item');
  await spaces.first().waitFor();
  const names = await spaces.allTextContents();
  // Try the likeliest spaces (notices boards) first.
  const order = names.map((_, i) => i)
    .sort((a, b) => Number(names[b].includes('お知らせ')) - Number(names[a].includes('お知らせ')));
  for (const i of order) {
    const space = spaces.nth(i);
    const spaceId = await space.getAttribute('data-id');
    await space.click();
    await page.locator(`#threads[data-space-id="${spaceId}"]:is([data-state="loaded"], [data-state="error"])`)
      .waitFor({ state: 'attached' });
    const thread = byTestId(page, 'thread-item')
      .filter({ has: page.getByText(title, { exact: true }) });
    if (await thread.count() === 0) continue;
    const threadId = await thread.first().getAttribute('data-id');
    await thread.first().click();
    await page.locator(`#posts[data-thread-id="${threadId}"][data-state="loaded"]`)
      .waitFor({ state: 'attached' });
    return threadId;
  }
  throw new Error(`no space listed a thread titled ${title} (spaces: ${names.join(', ')})`);
}

/** Post text into the open thread and wait until the post is shown. */
export async function postInThread(page, text) {
  await byTestId(page, 'post-body').fill(text);
  await byTestId(page, 'post-submit').click();
  const mine = byTestId(page, 'post-item').filter({ hasText: text });
  await mine.waitFor({ state: 'visible' });
  return mine;
}

/** Mark the page so a later check can tell it was not reloaded. */
export async function markNoReload(page) {
  await page.evaluate(() => { window.__carelinkNoReload = true; });
}

/** Whether the page still carries the markNoReload mark. */
export async function notReloaded(page) {
  return page.evaluate(() => window.__carelinkNoReload === true);
}

/** Wait until the live notification stream reports it is connected. */
export async function waitForStream(page, timeout = STEP_TIMEOUT) {
  await page.locator('[data-testid="stream-status"][data-state="open"]').waitFor({ state: 'attached', timeout });
}

/**
 * Status of a GET to the public API made from the page (same origin, its
 * cookies); `path` is relative to API_PREFIX, e.g. '/me'.
 */
export async function apiStatus(page, path) {
  return page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).status,
    API_PREFIX + path);
}

/** A text that no earlier run can have produced. */
export function uniqueText(prefix) {
  const rand = Math.random().toString(36).slice(2, 8);
  return `${prefix} ${new Date().toISOString()} ${rand}`;
}
