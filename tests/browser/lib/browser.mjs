// Browser harness for carelink: headless Debian Chromium through playwright-core.
//
//   import { launch, newPage, login, byTestId, DEMO } from './lib/browser.mjs';
//
// The system under test is found at CARELINK_URL (e.g. the URL that
// scripts/up writes to var/url).

import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CARELINK_CHROMIUM || '/usr/bin/chromium';

export const DEMO_PASSWORD = 'Carelink-demo-2026!';
export const DEMO = {
  tanaka: { email: 'tanaka@demo.carelink.jp', name: '田中 花子', org: '中央居宅介護支援事業所' },
  sato: { email: 'sato@demo.carelink.jp', name: '佐藤 一郎', org: 'さくら診療所' },
  suzuki: { email: 'suzuki@demo.carelink.jp', name: '鈴木 美咲', org: 'みどり市地域包括支援センター' },
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

/** Log in through the form and wait until the logged-in page shows. */
export async function login(page, email, password = DEMO_PASSWORD) {
  await submitLogin(page, email, password);
  const who = byTestId(page, 'user-name');
  try {
    await who.waitFor({ state: 'visible' });
  } catch (err) {
    const shown = await byTestId(page, 'login-error').textContent().catch(() => null);
    throw new Error(`login as ${email} failed` + (shown ? `: ${shown}` : ''), { cause: err });
  }
  return (await who.textContent()).trim();
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
