// Accounts by mail (issue 11 item 6): "Forgot your password?" end to end
// with the link from the mail the SMTP receiver of tests/browser/serve.py
// got, at desktop and phone width; self sign-up opened by an admin on
// the admin page, and a sign-up confirmed from its mail.
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
  waitForMail,
} from './lib.mjs';

let browser;
before(async () => {
  if (!SKIP) browser = await launch();
});
after(async () => {
  await browser?.close();
});

const NEW_PASSWORD = 'a fresh and long pass phrase';

async function forgotPassword(width, prefix) {
  const admin = await apiSession();
  const who = await makePerson(admin, `Forgetful ${prefix}`);
  // A session of the person's elsewhere, which the reset ends.
  const elsewhere = await apiSession(who.email, who.password);
  assert.equal((await elsewhere('GET', '/me')).status, 200);

  const { context, page, problems } = await openPage(browser, { width, height: 900 });
  const shot = screenshots(page, prefix);
  try {
    await page.goto('/signin');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByText('Enter the email address of your account.').first().waitFor();
    await page.getByLabel('Email address').fill(who.email);
    await shot('asking');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    const sent = page.getByTestId('reset-sent');
    await sent.waitFor();
    assert.match(await sent.textContent(), /If .* is the address of a Tandem account, a link .* works once, for 60 minutes/s);
    await assertNoOverflowX(page, 'the reset request at ' + width);
    await shot('sent');

    const link = await waitForMail(who.email, /(https?:\/\/\S+\/password-reset\/[A-Za-z0-9_-]+)/);
    await page.goto(link[1].replace(/^https?:\/\/[^/]+/, ''));
    await page.getByRole('heading', { name: 'Choose a new password', level: 1 }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    // The server's password rule, shown at the field.
    await page.locator('.has-error').filter({ hasText: /10 characters|too short/i }).first().waitFor();
    await shot('refused');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByTestId('reset-done').waitFor();
    await assertNoOverflowX(page, 'the new password at ' + width);
    await shot('done');
    // The other session is over.
    assert.equal((await elsewhere('GET', '/me')).status, 401);
    // Sign in with the new password.
    await page.getByRole('link', { name: 'Sign in with the new password' }).click();
    await signIn(page, who.email, NEW_PASSWORD);
    await shot('signed-in');
    // The link is used up.
    await context.clearCookies();
    await page.goto(link[1].replace(/^https?:\/\/[^/]+/, ''));
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD + ' again');
    await page.getByLabel('New password again').fill(NEW_PASSWORD + ' again');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByTestId('reset-gone').waitFor();
    await shot('used-up');
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
}

test('forgot password: desktop, the link from the mail', { skip: SKIP }, () => forgotPassword(1280, 'reset-desktop'));
test('forgot password: phone, the link from the mail', { skip: SKIP }, () => forgotPassword(375, 'reset-phone'));

test('self sign-up: opened by an admin, confirmed from the mail', { skip: SKIP }, async () => {
  const { context, page, problems } = await openPage(browser, { width: 375, height: 900 });
  const shot = screenshots(page, 'signup-phone');
  try {
    await signIn(page);
    await page.goto('/admin/sign-up');
    await page.getByRole('heading', { name: 'Self sign-up', level: 1 }).waitFor();
    await page.getByLabel('Let people sign up themselves').check();
    await page.getByRole('button', { name: 'Add a domain' }).click();
    await page.getByLabel('Domain 1').fill('signup.example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Self sign-up is open to signup.example.com.').waitFor();
    await assertNoOverflowX(page, 'the sign-up setting at 375 px');
    await shot('admin-opened');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/signin'));

    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Sign up', level: 1 }).waitFor();
    const email = `new.${Date.now()}@signup.example.com`;
    await page.getByLabel('Your name').fill('Nia New');
    await page.getByLabel('Work email address').fill('nia@elsewhere.org');
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.locator('.has-error').filter({ hasText: /only to addresses of the organisation/ }).waitFor();
    await shot('refused-domain');
    await page.getByLabel('Work email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByTestId('signup-sent').waitFor();
    await assertNoOverflowX(page, 'the sign-up at 375 px');
    await shot('sent');
    const link = await waitForMail(email, /(https?:\/\/\S+\/sign-up\/verify\/[A-Za-z0-9_-]+)/);
    await page.goto(link[1].replace(/^https?:\/\/[^/]+/, ''));
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.match(await page.getByTestId('signed-in-as').textContent(), /Nia New/);
    await shot('signed-in');
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
    const admin = await apiSession();
    await admin('PUT', '/sign-up/settings', { enabled: false, domains: [] });
  }
});
