// Shared helpers for the browser tests: the browser, screenshots, sign-in and
// a check that the page raised no script error and no CSP violation.
import fs, { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const BASE = (process.env.TANDEM_URL || '').replace(/\/+$/, '');
export const ADMIN_EMAIL = process.env.TANDEM_ADMIN_EMAIL || 'admin@example.org';
export const ADMIN_PASSWORD = process.env.TANDEM_ADMIN_PASSWORD || '';
export const OUT = process.env.TEST_OUTPUT || path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../test-output');
export const SKIP = BASE ? false : 'TANDEM_URL is not set: run through tests/browser/serve.py';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
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
 * Opens a page in a fresh context (no cookies) and watches it for console
 * errors, uncaught exceptions and refused resources (CSP).
 */
export async function openPage(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, baseURL: BASE });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    // The browser logs every 4xx answer as "Failed to load resource"; the
    // API's 401, 404 and 422 are often what a test provokes on purpose.
    // Responses are judged below instead.
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    problems.push(`console: ${text}`);
  });
  page.on('response', (r) => {
    const api = new URL(r.url()).pathname.startsWith('/api/');
    if (r.status() >= 500 || (!api && r.status() >= 400)) problems.push(`${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  return { context, page, problems };
}

/** Fails when the page logged an error or the browser refused something. */
export function assertClean(problems) {
  assert.deepEqual(problems, [], 'the page logged errors:\n' + problems.join('\n'));
}

/** Returns shot(step): a full-page screenshot named PREFIX-NN-STEP.png. */
export function screenshots(page, prefix) {
  mkdirSync(OUT, { recursive: true });
  let n = 0;
  return async (step) => {
    n += 1;
    const file = path.join(OUT, `${prefix}-${String(n).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

export async function signIn(page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  await page.goto('/signin');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Calls the API from inside the page, with the session cookie and CSRF token. */
export async function apiCall(page, method, url, body) {
  return page.evaluate(
    async ({ method, url, body }) => {
      const me = await fetch('/api/v1/me').then((r) => r.json());
      const res = await fetch('/api/v1' + url, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    },
    { method, url, body },
  );
}

/** Whether the document is wider than the viewport (horizontal scrolling). */
export async function overflowX(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    if (doc.scrollWidth <= doc.clientWidth) return null;
    // Name the widest elements to make a failure easy to fix.
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`);
    return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, wide };
  });
}

export function unique(prefix) {
  return `${prefix} ${new Date().toISOString().slice(11, 19)}-${Math.floor(Math.random() * 1e4)}`;
}

/**
 * Signs in through the API from the test itself (no browser) and returns
 * call(method, path, body) → { status, body } with the session cookie and
 * CSRF token: for setting up data before the browser takes over.
 */
export async function apiSession(email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  const res = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, `sign-in of ${email}: ${JSON.stringify(body)}`);
  const cookie = (res.headers.get('set-cookie') || '').split(';')[0];
  const csrf = body.csrf_token;
  return async (method, url, data) => {
    const r = await fetch(`${BASE}/api/v1${url}`, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
      body: data === undefined ? undefined : JSON.stringify(data),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}

/** Creates a member account through the API; returns { email, password, name, id }. */
export async function makePerson(admin, name) {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.org`;
  const password = 'a long enough password';
  const r = await admin('POST', '/people', { email, name, password, site_role: 'member' });
  assert.equal(r.status, 201, `create ${name}: ${JSON.stringify(r.body)}`);
  return { email, password, name, id: r.body.id };
}

export const PASSWORD = 'a long enough pass phrase';

/** Creates a person with a chosen e-mail and site role; `admin` is an apiSession(). */
export async function createPerson(admin, { email, name, siteRole = 'member', password = PASSWORD }) {
  const r = await admin('POST', '/people', { email, name, password, site_role: siteRole });
  assert.equal(r.status, 201, `creating ${email}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The text part of a received message (quoted-printable decoded). */
function textPart(raw) {
  const m = /Content-Type: text\/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n([\s\S]*?)(\r\n--=_tandem_alt|$)/.exec(raw);
  const qp = m ? m[1] : raw;
  const bytes = [];
  const flat = qp.replace(/=\r\n/g, '');
  for (let i = 0; i < flat.length; i++) {
    if (flat[i] === '=' && /^[0-9A-F]{2}$/.test(flat.slice(i + 1, i + 3))) {
      bytes.push(parseInt(flat.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(flat.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The messages the SMTP receiver got for `email` (tests/browser/serve.py), oldest first: {raw, text}. */
export function receivedMail(email) {
  const dir = process.env.TANDEM_MAILDIR;
  assert.ok(dir, 'TANDEM_MAILDIR is set by tests/browser/serve.py');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'latin1'))
    .filter((raw) => new RegExp(`^To: .*<${email.replace(/[.+]/g, '\\$&')}>`, 'mi').test(raw))
    .map((raw) => ({ raw, text: textPart(raw) }));
}

/** Waits for a message to `email` whose text matches `pattern`; returns the match. */
export async function waitForMail(email, pattern, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const m of receivedMail(email).reverse()) {
      const hit = pattern.exec(m.text);
      if (hit) return hit;
    }
    if (Date.now() > until) assert.fail(`no mail to ${email} matching ${pattern} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The invitation token from the newest invitation received by `email` (the outbox shows it redacted). */
export async function invitationToken(email) {
  const m = await waitForMail(email, /\/invite\/([A-Za-z0-9_-]+)/);
  return m[1];
}

/** Fails when the page scrolls sideways; names the widest elements. */
export async function assertNoOverflowX(page, what) {
  const over = await overflowX(page);
  assert.equal(over, null, `${what} scrolls sideways: ${JSON.stringify(over)}`);
}
