// Forms and page states shared by every page: a refusal that names several
// fields (problem+json `errors`), one that names a single `field`, a page
// while it loads and a page that cannot load. The server's answers are
// shaped with page.route, so each case is exact; at desktop and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SKIP, apiSession, assertClean, launch, openPage, overflowX, screenshots, signIn, unique } from './lib.mjs';

let browser;
let programId = 0;
before(async () => {
  if (SKIP) return;
  browser = await launch();
  const call = await apiSession();
  const made = await call('POST', '/programs', { status: 'enrolling', name: unique('Forms program') });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  programId = made.body.id;
});
after(async () => {
  await browser?.close();
});

const problem = (status, body) => ({
  status,
  contentType: 'application/problem+json',
  body: JSON.stringify({ type: 'about:blank', title: 'Unprocessable Content', status, ...body }),
});

for (const [label, width] of [
  ['desktop', 1280],
  ['phone', 375],
]) {
  test(`settings: every field the server names, at ${label} width`, { skip: SKIP }, async () => {
    const { context, page, problems } = await openPage(browser, { width, height: 900 });
    const shot = screenshots(page, `forms-${label}`);
    try {
      await signIn(page);

      // Loading: the reply is held until the page has been looked at.
      let release;
      const held = new Promise((r) => (release = r));
      await page.route(`**/api/v1/programs/${programId}`, async (route) => {
        if (route.request().method() !== 'GET') return route.fallback();
        await held;
        await route.fallback();
      });
      await page.goto(`/programs/${programId}/settings`);
      await page.getByText('Loading the settings…').waitFor();
      assert.equal(await page.locator('h1').textContent(), 'Program settings', 'the heading is there for focus');
      await shot('loading');
      release();
      await page.getByRole('button', { name: 'Save changes' }).waitFor();
      await page.unroute(`**/api/v1/programs/${programId}`);

      // A refusal naming three fields: each is shown at its control, all are
      // listed at the top, and focus goes to the first on the page.
      let sent = null;
      await page.route(`**/api/v1/programs/${programId}`, async (route) => {
        if (route.request().method() !== 'PATCH') return route.fallback();
        sent = route.request().postDataJSON();
        await route.fulfill(
          problem(422, {
            detail: 'name: is used by another program',
            field: 'name',
            errors: [
              { field: 'name', message: 'name: is used by another program' },
              { field: 'matching.min_score', message: 'must be between 0 and 1' },
              { field: 'dates.enrolment_closes', message: 'must not be before enrolment_opens' },
            ],
          }),
        );
      });
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.locator('#f-dates-enrolment-closes-error').waitFor();
      assert.ok(sent && typeof sent.version === 'number', 'the form was sent with its version');
      assert.match(await page.locator('#f-name-error').textContent(), /Is used by another program\./);
      assert.match(await page.locator('#f-matching-min-score-error').textContent(), /Must be between 0 and 1\./);
      assert.match(await page.locator('#f-dates-enrolment-closes-error').textContent(), /Must not be before enrolment opens\./);
      assert.equal(await page.getByLabel('Program name').getAttribute('aria-invalid'), 'true');
      const summary = page.getByTestId('form-errors');
      assert.equal(await summary.getByRole('link').count(), 3, 'the summary lists the three');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-name', 'focus is on the first field at fault');
      assert.equal(await page.getByRole('button', { name: 'Save changes' }).isEnabled(), true, 'not busy any more');
      await shot('three-fields');
      assert.equal(await overflowX(page), null, 'no horizontal scrolling');

      // Without an errors array the problem's field alone is shown.
      await page.unroute(`**/api/v1/programs/${programId}`);
      await page.route(`**/api/v1/programs/${programId}`, (route) =>
        route.request().method() !== 'PATCH'
          ? route.fallback()
          : route.fulfill(problem(422, { detail: 'description: is too long', field: 'description' })),
      );
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.locator('#f-description-error').waitFor();
      assert.match(await page.locator('#f-description-error').textContent(), /Is too long\./);
      assert.equal(await page.locator('#f-name-error').count(), 0, 'the earlier errors are gone');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-description');
      await shot('one-field');
      await page.unroute(`**/api/v1/programs/${programId}`);
      assertClean(problems);
    } finally {
      await context.close();
    }
  });

  test(`a page that cannot load says so, at ${label} width`, { skip: SKIP }, async () => {
    const { context, page, problems } = await openPage(browser, { width, height: 900 });
    const shot = screenshots(page, `forms-${label}-failed`);
    try {
      await signIn(page);
      await page.route(`**/api/v1/programs/${programId}/training`, (route) => route.abort('connectionfailed'));
      await page.goto(`/programs/${programId}/training`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.textContent(), /could not be reached/);
      assert.equal(await page.locator('h1').textContent(), 'Training');
      await shot('network');
      assert.equal(await overflowX(page), null, 'no horizontal scrolling');

      // A program that does not exist is "not found", not an error.
      await page.goto('/programs/999999999');
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
      await shot('missing');
      // The aborted request is the one this test provoked.
      assertClean(problems.filter((p) => !/ERR_CONNECTION_FAILED|Failed to load resource: net::/.test(p)));
    } finally {
      await context.close();
    }
  });
}
