// Shared pieces of the browser tests: the browser, a recorder of every request and console
// error, screenshots, and the canary check. run.sh sets the environment.
import assert from 'node:assert/strict';
import path from 'node:path';

import { chromium } from 'playwright-core';

export const BASE_URL = required('E2E_BASE_URL');
export const ORIGIN = new URL(BASE_URL).origin;
export const ARTIFACTS = required('E2E_ARTIFACTS');
export const ANALYST = { user: required('E2E_ANALYST_USER'), password: required('E2E_ANALYST_PASSWORD') };
export const ADMIN = { user: required('E2E_ADMIN_USER'), password: required('E2E_ADMIN_PASSWORD') };

/** The canary person of e2e/fixtures/canary-*.txt and the part of it most likely to survive edits. */
export const CANARY_NAMES = ['Canary Testperson-7Q', 'Testperson'];

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the browser tests through e2e/run.sh`);
  }
  return value;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // Root in CI containers: Chromium's sandbox needs user namespaces that containers lack.
    // Chromium's own background traffic (updates, sync, field trials) is switched off: the
    // machine has no network, and the suite must see only the app's requests.
    args: [
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A browser context that records every request any of its pages makes (and the responses to
 * them), console errors and uncaught page errors. Requests to another origin are also aborted,
 * so a test cannot leak anything while it records the failure.
 */
export async function recordingContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const log = { requests: [], responses: [], consoleErrors: [], pageErrors: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isSameOrigin(url)) {
      return route.continue();
    }
    return route.abort('blockedbyclient');
  });
  context.on('request', (request) => {
    log.requests.push({ url: request.url(), method: request.method(), page: pageUrl(request) });
  });
  context.on('response', (response) => log.responses.push(response));
  context.on('page', (page) => watchPage(page, log));
  return { context, log };
}

function pageUrl(request) {
  try {
    return request.frame().url();
  } catch {
    return '';
  }
}

function watchPage(page, log) {
  page.on('console', (message) => {
    if (message.type() === 'error') {
      log.consoleErrors.push(`${page.url()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => log.pageErrors.push(`${page.url()}: ${error.message}`));
}

/** Whether a URL stays on the app's own origin (data: and blob: URLs never leave the page). */
export function isSameOrigin(url) {
  if (url.startsWith('data:') || url.startsWith('blob:')) {
    return true;
  }
  try {
    return new URL(url).origin === ORIGIN;
  } catch {
    return false;
  }
}

/** Fails when any recorded request went to another origin; lists them all. */
export function assertNoThirdPartyRequests(log) {
  const foreign = log.requests.filter((r) => !isSameOrigin(r.url));
  assert.deepEqual(
    foreign.map((r) => `${r.method} ${r.url} (from ${r.page})`),
    [],
    'requests to another origin',
  );
  assert.ok(log.requests.length > 0, 'the recorder saw no request at all');
}

/** Fails on uncaught script errors and console errors (CSP violations are console errors). */
export function assertNoPageErrors(log) {
  assert.deepEqual(log.pageErrors, [], 'uncaught errors in the page');
  assert.deepEqual(log.consoleErrors, [], 'console errors (a CSP violation shows here)');
}

// node --test runs each test file in its own process: number the shots per file.
const shotPrefix = path.basename(process.argv[1] || 'e2e', '.test.mjs');
let shot = 0;
/** Saves a full-page screenshot as e2e/artifacts/FILE-NN-name.png and returns its path. */
export async function screenshot(page, name) {
  shot += 1;
  const file = path.join(ARTIFACTS, `${shotPrefix}-${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Fails when a canary name occurs in `text` (case-insensitive), naming where. */
export function assertNoCanary(text, where) {
  const lower = text.toLowerCase();
  for (const name of CANARY_NAMES) {
    const at = lower.indexOf(name.toLowerCase());
    assert.equal(
      at,
      -1,
      `the canary "${name}" appears in ${where}: …${text.slice(Math.max(0, at - 80), at + 80)}…`,
    );
  }
}

/** Signs in through the sign-in form; ends on whatever page the app redirects to. */
export async function signIn(page, who) {
  await page.goto(`${BASE_URL}/login`);
  await page.locator('[data-testid="login-username"], input[name="username"]').first().fill(who.user);
  await page.locator('[data-testid="login-password"], input[name="password"]').first().fill(who.password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 }),
    page.locator('[data-testid="login-submit"], form button[type="submit"]').first().click(),
  ]);
}
