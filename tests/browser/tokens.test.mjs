// The API tokens page: made from the account menu, shown once, listed with
// when each was made, last used and expires, revoked; at desktop and phone
// width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE,
  SKIP,
  apiSession,
  assertClean,
  assertNoOverflowX,
  launch,
  makePerson,
  openPage,
  screenshots,
  signIn,
} from './lib.mjs';

let browser;
let admin;
before(async () => {
  if (SKIP) return;
  browser = await launch();
  admin = await apiSession();
});
after(async () => {
  await browser?.close();
});

async function bearer(token) {
  const r = await fetch(`${BASE}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
  return r.status;
}

for (const [label, width] of [
  ['desktop', 1280],
  ['phone', 375],
]) {
  test(`API tokens at ${label} width: make, use, see and revoke a token`, { skip: SKIP }, async () => {
    const person = await makePerson(admin, `Token Owner ${label}`);
    const { context, page, problems } = await openPage(browser, { width, height: 900 });
    const shot = screenshots(page, `tokens-${label}`);
    try {
      await signIn(page, person.email, person.password);
      await page.getByRole('banner').getByRole('link', { name: 'API tokens' }).click();
      await page.waitForURL('**/account/tokens');
      await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
      await page.getByText('You have no API tokens.').waitFor();
      assert.equal(await page.getByLabel('Expires after').inputValue(), '90', 'the default lifetime');
      await assertNoOverflowX(page, 'the empty tokens page');
      await shot('empty');

      // Nothing filled in: each field says what it needs, nothing is sent.
      await page.getByRole('button', { name: 'Make token' }).click();
      await page.locator('#f-name-error').waitFor();
      assert.match(await page.locator('#f-password-error').textContent(), /password/);

      // A wrong password is refused at the field.
      await page.getByLabel('Name').fill('Nightly report');
      await page.getByLabel('Expires after').fill('30');
      await page.getByLabel('Your password').fill('not my password');
      await page.getByRole('button', { name: 'Make token' }).click();
      await page.locator('#f-password-error').filter({ hasText: /not the password/i }).waitFor();
      assert.equal(await page.getByLabel('Your password').inputValue(), '');
      await shot('wrong-password');

      await page.getByLabel('Your password').fill(person.password);
      await page.getByRole('button', { name: 'Make token' }).click();
      const made = page.getByTestId('new-token');
      await made.waitFor();
      const token = await page.locator('#new-token').inputValue();
      assert.match(token, /^tdm_[A-Za-z0-9_-]{43}$/);
      assert.match(await made.textContent(), /not shown again/);
      const item = page.getByTestId('token-list').getByRole('listitem').filter({ hasText: 'Nightly report' });
      await item.waitFor();
      assert.match(await item.textContent(), /Last used\s*Never/);
      await assertNoOverflowX(page, 'the tokens page with a new token');
      await shot('made');

      // Used by a script, the page says when.
      assert.equal(await bearer(token), 200);
      await page.reload();
      await item.waitFor();
      assert.doesNotMatch(await item.textContent(), /Last used\s*Never/);
      assert.equal(await page.getByTestId('new-token').count(), 0, 'the secret is gone after a reload');
      assert.ok(!(await page.content()).includes(token), 'the page never shows the token again');

      page.once('dialog', (d) => d.accept());
      await item.getByRole('button', { name: /Revoke/ }).click();
      await page.getByText('“Nightly report” is revoked.').waitFor();
      await page.getByText('You have no API tokens.').waitFor();
      assert.equal(await bearer(token), 401);
      await shot('revoked');
      assertClean(problems);
    } catch (e) {
      await shot('FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
}
