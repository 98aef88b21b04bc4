// ui_browser.mjs CASE -- one browser test of the dashboard (fleet.ui.CASE),
// run by ui_test.py against a real fleetd: playwright-core driving
// Debian's chromium, headless. Environment: FLEETD_URL, OPERATOR_TOKEN,
// VIEWER_TOKEN, CHROMIUM, SHOTS (the screenshot folder).
import { chromium } from 'playwright-core';
import http from 'node:http';
import path from 'node:path';

const URL0 = process.env.FLEETD_URL;
const OP = process.env.OPERATOR_TOKEN, VIEWER = process.env.VIEWER_TOKEN;
const SHOTS = process.env.SHOTS;
const WAIT = { timeout: 20000 };   // an upper bound for what the page shows, not a measure
let failed = 0, passed = 0;
function check(ok, what) {
  if (ok) passed++;
  else { failed++; console.error(`check failed: ${what}`); }
}

async function signIn(page, token) {
  await page.goto(URL0 + '/');
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('h1', { hasText: 'Fleet' }).waitFor(WAIT);
}
const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

// From the page, as a script of the page would: fetch with the session cookie.
function pageFetch(page, method, p, body, headers) {
  return page.evaluate(async ([method, p, body, headers]) => {
    const r = await fetch(p, { method, headers: { 'Content-Type': 'application/json', ...headers },
                                body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin' });
    let j = null;
    try { j = await r.json(); } catch (e) { /* not JSON */ }
    return { status: r.status, body: j };
  }, [method, p, body, headers || {}]);
}

// Every visible form control has a label (a <label for>, a wrapping label or aria-label).
async function unlabelled(page) {
  return page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((e) => e.offsetParent !== null && e.type !== 'hidden')
    .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
    .map((e) => e.name || e.id || e.outerHTML.slice(0, 60)));
}

const cases = {
  // sign in: a bad token is refused; the session is an HttpOnly, SameSite=Strict,
  // Secure cookie the page cannot read and never in the URL; sign out ends it
  async signin(browser) {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await ctx.newPage();
    const resp = await page.goto(URL0 + '/');
    const hd = resp.headers();
    check(/frame-ancestors 'none'/.test(hd['content-security-policy'] || '') && !/unsafe-inline/.test(hd['content-security-policy']),
          'CSP with frame-ancestors none and no inline scripts');
    check(hd['x-content-type-options'] === 'nosniff' && !!hd['referrer-policy'], 'nosniff and Referrer-Policy');
    await page.getByLabel('Token').fill('cpt_' + '0'.repeat(64));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'unknown or revoked' }).waitFor(WAIT);
    check((await ctx.cookies()).length === 0, 'no cookie for a bad token');
    await shot(page, 'signin');
    await page.getByLabel('Token').fill(OP);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr[data-device="dev-1"]').waitFor(WAIT);
    const cookies = await ctx.cookies();
    const c = cookies.find((k) => k.name === 'cockpit_session');
    check(c && c.httpOnly && c.secure && c.sameSite === 'Strict', `session cookie HttpOnly, Secure, SameSite=Strict: ${JSON.stringify(c)}`);
    check(c && c.value !== OP && !c.value.includes(OP.slice(4)), 'the cookie is not the token');
    check(!page.url().includes(OP) && !page.url().includes(c && c.value), 'neither token nor session in the URL');
    const seen = await page.evaluate(() => [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)].join('|'));
    check(!seen.includes(OP.slice(4)) && !seen.includes(c && c.value), 'the page keeps neither token nor session');
    check((await page.locator('#who').textContent()).includes('operator'), 'the role is shown');
    const row = page.locator('tr[data-device="dev-1"]');
    check((await row.textContent()).includes('1.0.0') && (await row.textContent()).includes('online'), 'dev-1 row: version, online');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Token').waitFor(WAIT);
    const after = await pageFetch(page, 'GET', '/api/v1/devices');
    check(after.status === 401, `after sign-out the API refuses: ${after.status}`);
    // the old cookie, sent again by hand, is dead too
    await ctx.addCookies([{ ...c }]);
    check((await pageFetch(page, 'GET', '/api/v1/devices')).status === 401, 'the signed-out session stays ended');
    await ctx.close();
  },

  // a program with an error shows its diagnostic at its line and column;
  // fixed, it builds and deploys from the editor
  async diagnostics(browser) {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await ctx.newPage();
    await signIn(page, OP);
    await page.getByRole('link', { name: 'Editor' }).click();
    const bad = ['#include "cockpit.h"', '', 'void setup(void) {', '  pinMode(LED_BUILTIN, OUTPUT);', '}', '',
                 'void loop(void) {', '  int x = ;', '  delay(100);', '}', ''];
    const badLine = bad.findIndex((l) => l.includes('= ;')) + 1;
    const badCol = bad[badLine - 1].indexOf(';') + 1;
    await page.getByLabel('Source').fill(bad.join('\n'));
    await page.getByRole('button', { name: 'Compile and sign' }).click();
    const first = page.locator('ol.diagnostics li.error').first();
    await first.waitFor(WAIT);
    const line = Number(await first.getAttribute('data-line')), col = Number(await first.getAttribute('data-column'));
    check(line === badLine, `diagnostic at line ${line}, the error is on line ${badLine}`);
    check(col >= 1 && col <= badCol + 1, `diagnostic column ${col} near ${badCol}`);
    check((await first.textContent()).includes(`program.c:${badLine}:`), 'the diagnostic names file:line');
    check(await page.locator(`.gutter .ln.error[data-line="${badLine}"]`).count() === 1, 'the gutter marks that line');
    check(await page.locator('.gutter .ln.error').count() === (await page.locator('ol.diagnostics li.error').evaluateAll(
      (els) => new Set(els.map((e) => e.dataset.line)).size)), 'only lines with errors are marked');
    // clicking the diagnostic puts the caret on that line
    await first.getByRole('button').click();
    const caretLine = await page.getByLabel('Source').evaluate((t) => t.value.slice(0, t.selectionStart).split('\n').length);
    check(caretLine === badLine, `the caret goes to line ${caretLine}`);
    check(await page.locator('button[data-action="deploy"]').count() === 0, 'no deploy control for a failed build');
    await shot(page, 'editor-diagnostics');
    // fixed: it builds, and deploys from here
    bad[badLine - 1] = '  int x = 1;';
    await page.getByLabel('Source').fill(bad.join('\n'));
    await page.getByRole('button', { name: 'Compile and sign' }).click();
    await page.locator('.result code.artifact').waitFor(WAIT);
    check(await page.locator('.gutter .ln.error').count() === 0, 'no marks once it compiles');
    const sha = await page.locator('.result code.artifact').getAttribute('title');
    const artSel = page.getByLabel('Artifact');
    await page.locator(`select[name="artifact"] option[value="${sha}"]`).waitFor({ state: 'attached', ...WAIT });
    check(await artSel.inputValue() === sha, 'the new artifact is chosen in the deploy form');
    await page.getByLabel('Devices or tag').fill('dev-1');
    await shot(page, 'editor-built');
    await page.getByRole('button', { name: 'Start deployment' }).click();
    await page.locator('h1', { hasText: 'Deployment #' }).waitFor(WAIT);
    await page.locator('tr[data-device="dev-1"]').waitFor(WAIT);
    const r = await pageFetch(page, 'GET', '/api/v1/deployments');
    check(r.status === 200 && r.body.deployments.length === 1 && r.body.deployments[0].artifact === sha,
          'the deployment was made, of the artifact built');
    await shot(page, 'deployment');
    await page.getByRole('button', { name: 'Cancel deployment' }).click();
    await page.locator('.badge.canceled').first().waitFor(WAIT);
    await ctx.close();
  },

  // a viewer sees no control that changes anything, and the API refuses
  // forged changes from its session: with the CSRF token (role) and without
  async viewer(browser) {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await ctx.newPage();
    await signIn(page, VIEWER);
    check(!(await page.getByRole('link', { name: 'Editor' }).isVisible()), 'no Editor link for a viewer');
    const controls = 'button[data-action], form.deploy-form, form.editor, textarea';
    for (const hash of ['#/fleet', '#/device/dev-1', '#/deployments', '#/editor']) {
      await page.goto(URL0 + '/' + hash);
      await page.locator('main h1').waitFor(WAIT);
      await page.waitForLoadState('networkidle');
      check(await page.locator(controls).count() === 0, `no change control on ${hash}`);
    }
    check(await page.getByRole('button', { name: /deploy|compile|cancel/i }).count() === 0, 'no deploy, compile or cancel button');
    await shot(page, 'viewer-deployments');
    const s = await pageFetch(page, 'GET', '/api/v1/session');
    check(s.status === 200 && s.body.role === 'viewer' && s.body.csrf, 'the viewer session and its CSRF token');
    const art = '1'.repeat(64);
    const spec = { artifact: art, target: { devices: ['dev-1'] } };
    const withCsrf = await pageFetch(page, 'POST', '/api/v1/deployments', spec, { 'X-CSRF-Token': s.body.csrf });
    check(withCsrf.status === 403 && /role/.test(withCsrf.body.detail), `forged deploy with the CSRF token: ${withCsrf.status} ${JSON.stringify(withCsrf.body)}`);
    const noCsrf = await pageFetch(page, 'POST', '/api/v1/deployments', spec);
    check(noCsrf.status === 403 && /X-CSRF-Token/.test(noCsrf.body.detail), `forged deploy without the CSRF token: ${noCsrf.status}`);
    const tags = await pageFetch(page, 'PUT', '/api/v1/devices/dev-1/tags', { tags: ['owned'] }, { 'X-CSRF-Token': s.body.csrf });
    check(tags.status === 403, `forged tag change: ${tags.status}`);
    const build = await pageFetch(page, 'POST', '/api/v1/builds', { source: 'void loop(void){}', filename: 'x.c' }, { 'X-CSRF-Token': s.body.csrf });
    check(build.status === 403, `forged build: ${build.status}`);
    // an operator's session without the CSRF header is refused too: the check is not the role's
    const op = await browser.newContext({ ignoreHTTPSErrors: true });
    const opPage = await op.newPage();
    await signIn(opPage, OP);
    const opNo = await pageFetch(opPage, 'PUT', '/api/v1/devices/dev-1/tags', { tags: ['owned'] });
    check(opNo.status === 403 && /X-CSRF-Token/.test(opNo.body.detail), `operator session without CSRF: ${opNo.status}`);
    const dev = await pageFetch(page, 'GET', '/api/v1/devices/dev-1');
    check(dev.status === 200 && JSON.stringify(dev.body.tags) === '["lab"]', `nothing changed: ${JSON.stringify(dev.body.tags)}`);
    const deps = await pageFetch(page, 'GET', '/api/v1/deployments');
    check(deps.status === 200 && deps.body.deployments.length === 0, 'no deployment was made');
    await op.close();
    await ctx.close();
  },

  // another site, with an operator signed in to fleetd in the same browser:
  // its auto-submitted form and its fetch reach fleetd without the session
  // (SameSite=Strict), so they are refused and change nothing
  async crosssite(browser) {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await ctx.newPage();
    await signIn(page, OP);
    const target = URL0 + '/api/v1/builds';
    const evil = `<!doctype html><html><body>
<form method="POST" action="${target}" enctype="text/plain">
<input name='{"source":"void loop(void){}","filename":"evil.c","x":"' value='"}'></form>
<script>
fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include',
  headers: { 'Content-Type': 'text/plain' }, body: '{"source":"void loop(void){}","filename":"evil2.c"}' })
  .finally(() => document.forms[0].submit());
</script></body></html>`;
    const srv = http.createServer((q, r) => { r.writeHead(200, { 'Content-Type': 'text/html' }); r.end(evil); });
    await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
    try {
      const other = await ctx.newPage();
      // localhost is another site than 127.0.0.1 (and http another scheme)
      const landed = other.waitForURL(target, WAIT);
      await other.goto(`http://localhost:${srv.address().port}/`);
      await landed;
      const body = JSON.parse(await other.locator('body').innerText());
      check(body.error === 'unauthorized', `the cross-site form came without the session: ${JSON.stringify(body)}`);
      const arts = await pageFetch(page, 'GET', '/api/v1/artifacts');
      check(arts.status === 200 && arts.body.artifacts.length === 0, `nothing was built: ${JSON.stringify(arts.body)}`);
      check((await pageFetch(page, 'GET', '/api/v1/session')).status === 200, 'the operator stays signed in');
    } finally {
      srv.close();
    }
    await ctx.close();
  },

  // every page, on a laptop and on a phone, with its screenshot; labelled
  // fields; data shown as text (a log line with markup does not run)
  async pages(browser) {
    for (const [tag, viewport] of [['laptop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
      const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport, timezoneId: 'Asia/Tokyo' });
      const page = await ctx.newPage();
      let dialogs = 0;
      page.on('dialog', (d) => { dialogs++; d.dismiss(); });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      // the one expected refusal: "who am I?" (GET /api/v1/session) before signing in
      page.on('console', (m) => {
        if (m.type() === 'error' && !(/status of 401/.test(m.text()) && /\/api\/v1\/session$/.test(m.location().url || ''))) errors.push(`${m.text()} ${m.location().url}`);
      });
      await page.goto(URL0 + '/');
      await page.getByLabel('Token').waitFor(WAIT);
      await shot(page, `${tag}-signin`);
      await signIn(page, OP);
      await page.locator('tr[data-device="dev-3"]').waitFor(WAIT);
      const counts = await page.locator('.counts').textContent();
      check(counts.includes('1.0.0') && counts.includes('0.9.0') && counts.includes('faulted'), 'counts by version and state');
      await page.getByLabel('Search').fill('field');
      await page.locator('tr[data-device="dev-2"]').waitFor({ state: 'detached', ...WAIT });
      check(await page.locator('tbody tr[data-device]').count() === 1, 'search by tag leaves one device');
      await page.getByLabel('Search').fill('');
      check((await unlabelled(page)).length === 0, `fleet: every field labelled: ${await unlabelled(page)}`);
      await shot(page, `${tag}-fleet`);
      await page.getByRole('link', { name: 'dev-1' }).click();
      await page.locator('code.where', { hasText: 'fault.c:17' }).waitFor(WAIT);
      await page.locator('pre.log', { hasText: '<script>alert(1)</script> is text' }).waitFor(WAIT);
      await page.locator('figure[data-metric="temp_c"] canvas').first().waitFor(WAIT);
      check(await page.locator('figure.chart').count() === 2, 'a chart per metric');
      const shown = await page.locator('.kv time').first().textContent();
      const tokyo = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      check(tokyo === 'Asia/Tokyo' && shown.length > 0, 'times in the browser time zone');
      check((await unlabelled(page)).length === 0, `device: every field labelled: ${await unlabelled(page)}`);
      await shot(page, `${tag}-device`);
      await page.getByRole('link', { name: 'Deployments' }).click();
      await page.getByLabel('Artifact').waitFor(WAIT);
      check((await unlabelled(page)).length === 0, `deployments: every field labelled: ${await unlabelled(page)}`);
      await shot(page, `${tag}-deployments`);
      await page.getByRole('link', { name: 'Editor' }).click();
      await page.getByLabel('Source').waitFor(WAIT);
      check((await unlabelled(page)).length === 0, `editor: every field labelled: ${await unlabelled(page)}`);
      await shot(page, `${tag}-editor`);
      // keyboard: from the top of a fresh page, Tab reaches the skip link,
      // then the navigation; Enter follows a link
      await page.reload();
      await page.getByLabel('Source').waitFor(WAIT);
      const tabTo = async () => { await page.keyboard.press('Tab'); return page.evaluate(() => (document.activeElement.textContent || '').trim()); };
      check(await tabTo() === 'Skip to content', 'Tab: the skip link first');
      check(await tabTo() === 'Fleet', 'Tab: then the Fleet link');
      check(await tabTo() === 'Deployments', 'Tab: then the Deployments link');
      await page.keyboard.press('Enter');
      await page.locator('main h1', { hasText: 'Deployments' }).waitFor(WAIT);
      if (tag === 'phone') {
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        check(wide <= 1, `no sideways scrolling on a phone (${wide}px)`);
      }
      check(dialogs === 0, 'no script ran from the data');
      check(errors.length === 0, `no errors in the console: ${errors.join(' | ')}`);
      await ctx.close();
    }
  },
};

const name = process.argv[2];
if (!cases[name]) { console.error(`unknown case ${name}; cases: ${Object.keys(cases).join(' ')}`); process.exit(2); }
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, headless: true, args: ['--disable-gpu'] });
try {
  await cases[name](browser);
} catch (e) {
  failed++;
  console.error(`fleet.ui.${name}: ${e.stack || e}`);
} finally {
  await browser.close();
}
console.log(`fleet.ui.${name}: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
