// The admin's outbox: a message the mail server refused is shown given up
// with the server's reply, and "Send again now" delivers it (to the real
// SMTP receiver of tests/browser/serve.py); desktop and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  SKIP,
  apiSession,
  assertClean,
  assertNoOverflowX,
  launch,
  makePerson,
  openPage,
  screenshots,
  signIn,
  unique,
  waitForMail,
} from './lib.mjs';

let browser;
before(async () => {
  if (!SKIP) browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function waitForState(admin, to, state) {
  for (let i = 0; i < 200; i++) {
    const r = await admin('GET', `/outbox?to=${encodeURIComponent(to)}`);
    if (r.body.items[0]?.state === state) return r.body.items[0];
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail(`no ${state} message to ${to}`);
}

test('outbox: a refused message is given up with the reply, and sent again from the page', { skip: SKIP }, async () => {
  const admin = await apiSession();
  const prog = await admin('POST', '/programs', { name: unique('Outbox ✓ program') });
  assert.equal(prog.status, 201);
  const to = 'refused@example.org';
  const r = await admin('POST', `/programs/${prog.body.id}/participants`, { email: to, name: 'Ré Fused', role: 'mentee' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const dead = await waitForState(admin, to, 'dead');
  assert.match(dead.last_error, /550 5\.1\.1/);

  const { context, page, problems } = await openPage(browser);
  const shot = screenshots(page, 'outbox-desktop');
  try {
    await signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click();
    await page.getByRole('heading', { name: 'Outbox', level: 1 }).waitFor();
    await page.getByLabel('State').selectOption('dead');
    await page.waitForURL((u) => u.searchParams.get('state') === 'dead');
    await page.getByLabel('Recipient').fill(to);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((u) => u.searchParams.get('to') === to);
    const item = page.getByTestId('outbox-item').filter({ hasText: to }).first();
    await item.waitFor();
    assert.equal(await item.getAttribute('data-state'), 'dead');
    assert.match(await item.textContent(), /Given up/);
    assert.match(await item.textContent(), /550 5\.1\.1 No such mailbox here/);
    // The invitation's link is shown shortened, never whole.
    await item.getByText('Message', { exact: true }).click();
    assert.match(await item.locator('pre').textContent(), /\/invite\/…/);
    await shot('given-up');

    await item.getByRole('button', { name: 'Send again now' }).click();
    await page.getByText(/is queued again and goes out within seconds/).waitFor();
    const link = await waitForMail(to, /(http\S+\/invite\/[A-Za-z0-9_-]+)/);
    const sent = await waitForState(admin, to, 'sent');
    assert.equal(sent.message_id, dead.message_id, 'the same Message-ID on the retry');
    await page.getByLabel('State').selectOption('sent');
    await page.getByTestId('outbox-item').filter({ hasText: to }).first().getByText(/^\s*Sent /).waitFor();
    await shot('sent-again');
    // The link in the mail received opens the invitation page.
    await page.goto(link[1].replace(/^https?:\/\/[^/]+/, ''));
    await page.getByRole('heading', { level: 1 }).waitFor();
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

test('outbox: usable on a phone, and for admins only', { skip: SKIP }, async () => {
  const admin = await apiSession();
  const { context, page, problems } = await openPage(browser, { width: 375, height: 800 });
  const shot = screenshots(page, 'outbox-phone');
  try {
    await signIn(page);
    await page.goto('/admin/outbox');
    await page.getByTestId('outbox-item').first().waitFor();
    await assertNoOverflowX(page, 'the outbox at 375 px');
    await shot('list');
    await context.clearCookies();
    const member = await makePerson(admin, 'Outbox Member');
    await signIn(page, member.email, member.password);
    assert.equal(await page.getByRole('link', { name: 'Outbox' }).count(), 0, 'members get no Outbox link');
    await page.goto('/admin/outbox');
    await page.getByText('The outbox is for admins.').waitFor();
    await shot('member');
    assertClean(problems.filter((p) => !/404/.test(p)));
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});
