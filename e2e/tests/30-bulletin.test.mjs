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
  const front = await page.goto(`${BASE_URL}/public`);
  const csp = (await front.allHeaders())['content-security-policy'] || '';
  assert.match(csp, /default-src 'self'/, `the bulletin's CSP: "${csp}"`);
  await page.waitForSelector('[data-testid="public-timeline"]');
  texts['front page'] = await page.content();
  const inline = await page.locator('script:not([src])').count();
  assert.equal(inline, 0, 'an inline script on the bulletin');
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
  // The feed is well-formed Atom 1.0 with what RFC 4287 requires (checked by the browser's
  // XML parser): feed id, title, updated, author; per entry id, title, updated, a link.
  const feed = await page.evaluate((xml) => {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    if (doc.getElementsByTagName('parsererror').length > 0) {
      return { error: doc.getElementsByTagName('parsererror')[0].textContent };
    }
    const ATOM = 'http://www.w3.org/2005/Atom';
    const root = doc.documentElement;
    const child = (el, name) => Array.from(el.children).filter((c) => c.namespaceURI === ATOM && c.localName === name);
    const text = (el, name) => child(el, name).map((c) => c.textContent.trim());
    return {
      root: `${root.namespaceURI} ${root.localName}`,
      id: text(root, 'id'),
      title: text(root, 'title'),
      updated: text(root, 'updated'),
      author: child(root, 'author').map((a) => text(a, 'name')[0]),
      entries: child(root, 'entry').map((e) => ({
        id: text(e, 'id'),
        title: text(e, 'title'),
        updated: text(e, 'updated'),
        links: child(e, 'link').map((l) => l.getAttribute('href')),
      })),
    };
  }, texts['/public/feed.atom']);
  assert.equal(feed.error, undefined, `the feed is not well-formed XML: ${feed.error}`);
  assert.equal(feed.root, 'http://www.w3.org/2005/Atom feed');
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
  assert.equal(feed.id.length, 1);
  assert.equal(feed.title.length, 1);
  assert.match(feed.updated[0] ?? '', rfc3339);
  assert.ok(feed.author.length === 1 && feed.author[0], 'the feed has no author name');
  assert.equal(feed.entries.length, Math.min(links.length, 50));
  for (const entry of feed.entries) {
    assert.match(entry.id[0] ?? '', /^urn:uuid:[0-9a-f-]{36}$/);
    assert.ok(entry.title[0], 'an entry without a title');
    assert.match(entry.updated[0] ?? '', rfc3339);
    assert.ok(entry.links.some((href) => href.startsWith('/public/incidents/')), 'an entry without a link');
  }
  assert.equal(new Set(feed.entries.map((e) => e.id[0])).size, feed.entries.length, 'entry ids repeat');

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

// The signed-in pages and the sign-in page link the bulletin as "/public/"; the router redirects
// that to "/public".
test('the app\'s "Public bulletin" link opens the bulletin', async () => {
  const { context } = await recordingContext(browser);
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/login`);
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Public bulletin' }).click()]);
  assert.ok(await page.locator('[data-testid="public-home"]').count(), `the link led to ${page.url()}`);
  await context.close();
});
