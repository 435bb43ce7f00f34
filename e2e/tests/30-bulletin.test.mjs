// The public bulletin in a browser with nobody signed in, then with a signed-in analyst's
// cookies: no canary name in any page, the feed or the downloads; no cookie set; nothing loaded
// from another origin; the timeline drawn. Runs after 10-review.test.mjs (file order,
// --test-concurrency=1), so the incidents accepted there are on the bulletin.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ANALYST,
  BASE_URL,
  assertNoCanary,
  assertNoPageErrors,
  assertNoThirdPartyRequests,
  launch,
  recordingContext,
  screenshot,
  signIn,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Fails when a /public response set a cookie (or any response did, when `all`). */
async function assertNoSetCookie(log) {
  for (const response of log.responses) {
    if (!new URL(response.url()).pathname.startsWith('/public')) {
      continue;
    }
    const headers = await response.allHeaders();
    assert.equal(headers['set-cookie'], undefined, `Set-Cookie on ${response.url()}`);
  }
}

/** Visits every bulletin page and download; returns what was read, by name. */
async function readBulletin(context, page, prefix) {
  const texts = {};
  await page.goto(`${BASE_URL}/public`);
  await page.waitForSelector('[data-testid="public-timeline"]');
  texts['front page'] = await page.content();
  await screenshot(page, `${prefix}-front`);

  const links = await page.locator('[data-testid="public-incident-link"]').evaluateAll((as) =>
    as.map((a) => a.getAttribute('href')),
  );
  for (const href of links) {
    await page.goto(new URL(href, BASE_URL).href);
    texts[`incident page ${href}`] = await page.content();
  }
  if (links.length > 0) {
    await screenshot(page, `${prefix}-incident`);
  }

  for (const path of ['/public/feed.atom', '/public/incidents.csv', '/public/incidents.json']) {
    // Through the context, so a signed-in context sends its cookies.
    const response = await context.request.get(`${BASE_URL}${path}`);
    assert.equal(response.status(), 200, `${path}: ${response.status()}`);
    const headers = response.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie');
    assert.deepEqual(headers, [], `Set-Cookie on ${path}`);
    texts[path] = await response.text();
  }
  return { texts, links };
}

test('the public bulletin, anonymous: no canary, no cookie, nothing from elsewhere, timeline drawn', async () => {
  const { context, log } = await recordingContext(browser);
  const page = await context.newPage();
  const { texts, links } = await readBulletin(context, page, 'public-anonymous');

  for (const [where, text] of Object.entries(texts)) {
    assertNoCanary(text, where);
  }
  // The canary's incident (Germany → Afghanistan, 28 people) is reviewed and public: the test
  // looks at a bulletin that holds it, not at an empty one.
  assert.ok(links.length > 0, 'the bulletin lists no incident');
  assert.match(texts['front page'], /Afghanistan/, 'the canary fixture\'s incident is not on the bulletin');
  const json = JSON.parse(texts['/public/incidents.json']);
  assert.equal(json.schema, 'refwatch.public/1');
  assert.equal(json.incidents.length, links.length > 50 ? json.incidents.length : links.length);
  assert.match(texts['/public/incidents.csv'], /^id,type,date_start/);
  assert.match(texts['/public/feed.atom'], /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);

  // The timeline was drawn by uPlot (a canvas inside the chart element).
  await page.goto(`${BASE_URL}/public`);
  await page.waitForSelector('[data-testid="public-timeline"][data-rendered="uplot"] canvas', { timeout: 10_000 });

  assert.deepEqual(await context.cookies(), [], 'the bulletin set a cookie');
  await assertNoSetCookie(log);
  assertNoThirdPartyRequests(log);
  assertNoPageErrors(log);
  await context.close();
});

test('the public bulletin with a signed-in analyst: still no Set-Cookie and no canary', async () => {
  const { context, log } = await recordingContext(browser);
  const page = await context.newPage();
  await signIn(page, ANALYST);
  const cookiesBefore = await context.cookies();
  assert.ok(cookiesBefore.length > 0, 'signing in set no session cookie');
  log.responses.length = 0;

  const { texts } = await readBulletin(context, page, 'public-signed-in');
  for (const [where, text] of Object.entries(texts)) {
    assertNoCanary(text, where);
  }
  await assertNoSetCookie(log);
  assertNoThirdPartyRequests(log);
  await context.close();
});
