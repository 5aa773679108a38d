// The application shell: signing in and out, the keyboard, narrow screens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  SKIP,
  apiCall,
  assertClean,
  launch,
  openPage,
  overflowX,
  screenshots,
  signIn,
  unique,
} from './lib.mjs';

let browser;
before(async () => {
  if (!SKIP) browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('sign in: a wrong password is refused, the right one reaches home', { skip: SKIP }, async () => {
  const { context, page, problems } = await openPage(browser);
  const shot = screenshots(page, 'shell-signin');
  try {
    await page.goto('/');
    await page.waitForURL('**/signin');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
    await shot('signin');

    // Empty form: the fields say what is missing, no request is sent.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#f-email-error').waitFor();
    assert.match(await page.locator('#f-email-error').textContent(), /Enter your email/);
    assert.equal(await page.getByLabel('Email address').getAttribute('aria-invalid'), 'true');
    await shot('signin-empty');

    await page.getByLabel('Email address').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByTestId('signin-error');
    await alert.waitFor({ state: 'visible' });
    assert.match(await alert.textContent(), /not right/);
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the wrong password is cleared');
    await shot('signin-wrong-password');

    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('heading', { name: 'Your programs' }).waitFor();
    assert.ok(await page.getByRole('link', { name: 'New program' }).first().isVisible(), 'admins may create programs');
    assert.ok(await page.getByRole('banner').getByText('Tandem').isVisible());
    await shot('home');
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

test('keyboard only: skip link, then the sign-in form with Tab and Enter', { skip: SKIP }, async () => {
  const { context, page, problems } = await openPage(browser);
  const shot = screenshots(page, 'shell-keyboard');
  try {
    await page.goto('/signin');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    // The first Tab lands on the skip link, which becomes visible.
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const el = document.activeElement;
      const r = el.getBoundingClientRect();
      return { text: el.textContent.trim(), visible: r.top >= 0 && r.height > 0 };
    });
    assert.equal(skip.text, 'Skip to main content');
    assert.ok(skip.visible, 'the focused skip link is on screen');
    await shot('skip-link');

    // Tab on until the email field has focus; it must come within a few steps.
    let id = '';
    for (let i = 0; i < 6 && id !== 'f-email'; i++) {
      await page.keyboard.press('Tab');
      id = await page.evaluate(() => document.activeElement?.id || '');
    }
    assert.equal(id, 'f-email', 'the email field is reachable with Tab');
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(ring, 'none', 'the focused field shows a focus ring');
    await page.keyboard.type(ADMIN_EMAIL);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-password');
    await page.keyboard.type(ADMIN_PASSWORD);
    await shot('filled');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('heading', { name: 'Your programs' }).waitFor();
    await shot('home');
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

test('a 375-pixel-wide screen needs no horizontal scrolling', { skip: SKIP }, async () => {
  const { context, page, problems } = await openPage(browser, { width: 375, height: 740 });
  const shot = screenshots(page, 'shell-narrow');
  try {
    await page.goto('/signin');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await overflowX(page), null, 'sign-in page');
    await shot('signin');

    await signIn(page);
    // A program with a bit of everything, to lay out the long pages.
    const made = await apiCall(page, 'POST', '/programs', { status: 'enrolling',
      name: unique('Narrow-screen program with a rather long name'),
      description: 'Checks that every page fits on a phone.',
      objectives: {
        summary: 'Help people grow.',
        measures: [{ name: 'Retention after 12 months', unit: '%', baseline: 80, target: 88 }],
      },
      phases: { template: 'lifecycle' },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = made.body.id;

    const pages = [
      ['home', '/', /^(Hello|Home)/],
      ['programs', '/programs', 'Programs'],
      ['program', `/programs/${id}`, made.body.name],
      ['settings', `/programs/${id}/settings`, 'Settings'],
      ['new-program', '/programs/new', 'New program'],
    ];
    for (const [name, url, heading] of pages) {
      await page.goto(url);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      assert.equal(await overflowX(page), null, `${name} page`);
      await shot(name);
    }
    // Every wizard step, too. The steps show numbers only, but keep their
    // titles as accessible names.
    await page.getByLabel('Program name').fill('Narrow wizard');
    assert.ok(await page.getByRole('navigation', { name: 'Wizard steps' }).getByText('Matching').count());
    for (let step = 2; step <= 9; step++) {
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByTestId('wizard-step').filter({ hasText: `Step ${step} of 9` }).waitFor();
      assert.equal(await overflowX(page), null, `wizard step ${step}`);
      await shot(`wizard-step-${step}`);
    }
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

test('sign out ends the session', { skip: SKIP }, async () => {
  const { context, page, problems } = await openPage(browser);
  const shot = screenshots(page, 'shell-signout');
  try {
    await signIn(page);
    await shot('home');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/signin');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('signed-out');
    // The session is gone on the server too: a reload stays signed out.
    await page.goto('/programs');
    await page.waitForURL('**/signin?next=%2Fprograms');
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
    await shot('reload');
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});
