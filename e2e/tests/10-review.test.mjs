// The analyst's day in a browser: sign in, open the review queue, merge two incidents of the demo
// data, reject one claim, accept the canary page's incident (so that the public bulletin test
// that follows looks at a bulletin holding it), then see the dashboard's timeline and map drawn.
// Every request of every page is recorded; none may leave the app's origin.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ANALYST,
  BASE_URL,
  assertNoPageErrors,
  assertNoThirdPartyRequests,
  launch,
  recordingContext,
  screenshot,
  signIn,
} from './lib.mjs';

let browser;
let context;
let log;
let page;

before(async () => {
  browser = await launch();
  ({ context, log } = await recordingContext(browser));
  page = await context.newPage();
  // The app asks before a reject ("Reject? This is recorded as a decision."): say yes.
  page.on('dialog', (dialog) => dialog.accept());
});

after(async () => {
  await browser?.close();
});

/** The review items on the current page: their incident id and text. */
async function reviewItems() {
  return page.locator('[data-testid="review-item"]').evaluateAll((items) =>
    items.map((el) => ({ id: el.getAttribute('data-incident'), text: el.textContent || '' })),
  );
}

/** The queue's count of incidents to review (the page itself may show only some of them). */
async function toReviewCount() {
  const heading = await page.locator('h1').first().innerText();
  const match = heading.match(/(\d+) incidents? to review/);
  assert.ok(match, `no incident count in "${heading}"`);
  return Number(match[1]);
}

/** The queue's count of unattached claims ("… · N unattached claims" under its heading). */
async function unattachedCount() {
  const heading = await page.locator('h1').first().innerText();
  const match = heading.match(/(\d+) unattached claims?/);
  assert.ok(match, `no unattached-claims count in "${heading}"`);
  return Number(match[1]);
}

function item(id) {
  return page.locator(`[data-testid="review-item"][data-incident="${id}"]`);
}

/**
 * Clicks a submit button of a review form and waits for the page the app redirects to; fails
 * when the decision was refused (the app answers an error page instead of a redirect).
 */
async function submitIn(locator) {
  const [post] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/review/decide'),
    page.waitForEvent('load'),
    locator.click(),
  ]);
  assert.ok([302, 303].includes(post.status()), `the decision was refused: HTTP ${post.status()}: ${await page.locator('main').innerText()}`);
  assert.equal(new URL(page.url()).pathname, '/review');
}

test('an analyst signs in', async () => {
  await signIn(page, ANALYST);
  await screenshot(page, 'signed-in');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.httpOnly);
  assert.ok(session, `no HttpOnly session cookie: ${JSON.stringify(cookies.map((c) => c.name))}`);
  assert.equal(session.sameSite, 'Strict', 'the session cookie is not SameSite=Strict');
});

const isCanary = (i) => /\bAF\b|Afghanistan/.test(i.text);

/** Walks the queue's pages to the one showing an item that `predicate` picks; returns it. */
async function findInQueue(predicate) {
  for (let n = 1; n <= 50; n += 1) {
    await page.goto(`${BASE_URL}/review?page=${n}`);
    const items = await reviewItems();
    const found = items.find(predicate);
    if (found || items.length === 0) {
      return found;
    }
  }
  return undefined;
}

test('the review queue: merge two incidents, reject a claim, accept the canary incident', async () => {
  await page.goto(`${BASE_URL}/review`);
  const before = await reviewItems();
  await screenshot(page, 'review-queue');
  const others = before.filter((i) => !isCanary(i));
  assert.ok(others.length >= 3, `the review queue's first page shows ${before.length} incidents`);

  // Merge the first two incidents that are not the canary page's (Germany → Afghanistan).
  const [a, b] = others;
  const queuedBefore = await toReviewCount();
  await item(a.id).locator('[data-testid="merge-other"]').fill(b.id);
  await submitIn(item(a.id).locator('[data-testid="merge"]'));
  await screenshot(page, 'review-merged');
  const afterMerge = await reviewItems();
  const ids = afterMerge.map((i) => i.id);
  assert.ok(!(ids.includes(a.id) && ids.includes(b.id)), `${a.id} and ${b.id} are still two incidents`);
  assert.equal(await toReviewCount(), queuedBefore - 1, 'the merge did not make two incidents one');

  // Reject one claim of a third incident.
  const third = afterMerge.find((i) => !isCanary(i) && i.id !== a.id && i.id !== b.id);
  assert.ok(third, 'no third incident to reject a claim of');
  const rejectButtons = item(third.id).locator('[data-testid="reject-claim"]');
  assert.ok((await rejectButtons.count()) > 0, `incident ${third.id} has no "Reject claim" button`);
  const unattachedBefore = await unattachedCount();
  await submitIn(rejectButtons.first());
  await screenshot(page, 'review-rejected-claim');
  const afterReject = await reviewItems();
  assert.ok(!afterReject.some((i) => i.id === third.id && i.text === third.text), 'the rejected claim is still shown');
  assert.equal(await unattachedCount(), unattachedBefore + 1, 'the rejected claim is not listed as unattached');

  // The canary page's incident, on whichever page of the queue it is.
  const canary = await findInQueue(isCanary);
  assert.ok(canary, 'the canary page\'s incident (→ Afghanistan) is not in the review queue');
  // The canary name really is in the data the app holds (an analyst sees it in the evidence), so
  // its absence from the public bulletin (30-bulletin) means something.
  assert.match(canary.text, /Canary Testperson-7Q/, 'the canary name is not in the evidence shown to analysts');

  // Accept it: it becomes public.
  const queuedBeforeAccept = await toReviewCount();
  await submitIn(item(canary.id).locator('[data-testid="accept"]'));
  await screenshot(page, 'review-accepted');
  assert.equal(await toReviewCount(), queuedBeforeAccept - 1, 'the accepted incident is still waiting for review');
  assert.ok(!(await reviewItems()).some((i) => i.id === canary.id), 'the accepted incident is still in the queue');
});

test('the dashboard draws the timeline (uPlot canvas) and the map (svg paths)', async () => {
  await page.goto(`${BASE_URL}/dashboard`);
  await page.waitForSelector('[data-testid="timeline"] canvas', { timeout: 15_000 });
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid="map"] svg path').length > 0,
    undefined,
    { timeout: 15_000 },
  );
  // Let the map's data requests finish (and the shading they bring) before judging the page.
  await page.waitForLoadState('networkidle');
  const paths = await page.locator('[data-testid="map"] svg path').count();
  assert.ok(paths > 0, 'the map has no country path');
  await screenshot(page, 'dashboard');
});

test('no request left the app\'s origin', async () => {
  assertNoThirdPartyRequests(log);
});

test('no page had a script error or a CSP violation', async () => {
  assertNoPageErrors(log);
});
