// The reminder rules on a program's settings page: a coordinator turns a
// rule off, changes another's days, turns the inactive rule on; the
// change is saved (the API reads it back), kept on reload, and a bad
// number is shown at its field; desktop and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { OUT, SKIP, apiSession, assertClean, assertNoOverflowX, launch, openPage, screenshots, signIn, unique } from './lib.mjs';

let browser;
before(async () => {
  if (!SKIP) browser = await launch();
});
after(async () => {
  await browser?.close();
});

const rule = (page, name) => page.locator(`li[data-rule="${name}"]`);

for (const [label, width] of [['desktop', 1280], ['phone', 375]]) {
  test(`reminders: the coordinator edits the rules in the settings (${label})`, { skip: SKIP }, async () => {
    const admin = await apiSession();
    const prog = await admin('POST', '/programs', { name: unique('Reminded program') });
    assert.equal(prog.status, 201);
    assert.deepEqual(prog.body.reminders.agreement_unsigned, { enabled: true, days: 7 });
    const { context, page, problems } = await openPage(browser, { width, height: 900 });
    const shot = screenshots(page, `reminders-${label}`);
    try {
      await signIn(page);
      await page.goto(`/programs/${prog.body.id}/settings`);
      await page.getByRole('heading', { level: 2, name: 'Reminders' }).waitFor();
      const section = page.locator('section[aria-labelledby="sec-reminders"]');
      await section.scrollIntoViewIfNeeded();
      // The defaults, in words that say what happens.
      assert.equal(await page.locator('#f-reminders-agreement-unsigned-days').inputValue(), '7');
      assert.equal(await page.locator('#f-reminders-no-goals-days').inputValue(), '14');
      assert.equal(await page.locator('#f-reminders-meeting-soon-hours').inputValue(), '24');
      assert.ok(!(await page.getByLabel('An inactive relationship').isChecked()));
      assert.equal(await page.locator('#f-reminders-inactive-days').count(), 0, 'no days while the rule is off');
      assert.match(await rule(page, 'no_meeting').textContent(), /2 meetings a month.*15 days.*30 days the coordinators are told/);
      await assertNoOverflowX(page, `the reminders at ${width} px`);
      await shot('defaults');
      await section.screenshot({ path: path.join(OUT, `reminders-${label}-section-defaults.png`) });

      // A bad number is named at its field, and nothing is sent.
      await page.locator('#f-reminders-agreement-unsigned-days').fill('0');
      await page.getByRole('button', { name: 'Save changes' }).click();
      const err = page.locator('#f-reminders-agreement-unsigned-days-error');
      await err.waitFor();
      assert.match(await err.textContent(), /1 to 365/);
      await shot('error');
      await section.screenshot({ path: path.join(OUT, `reminders-${label}-section-error.png`) });

      await page.locator('#f-reminders-agreement-unsigned-days').fill('3');
      await page.getByLabel('No goals yet').uncheck();
      await page.getByLabel('An inactive relationship').check();
      await page.locator('#f-reminders-inactive-days').fill('20');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByTestId('save-status').filter({ hasText: 'Saved' }).waitFor();
      const got = await admin('GET', `/programs/${prog.body.id}`);
      assert.deepEqual(got.body.reminders.agreement_unsigned, { enabled: true, days: 3 });
      assert.deepEqual(got.body.reminders.no_goals, { enabled: false, days: 14 });
      assert.deepEqual(got.body.reminders.inactive, { enabled: true, days: 20 });
      assert.deepEqual(got.body.reminders.meeting_soon, { enabled: true, hours: 24 });

      await page.reload();
      await page.getByRole('heading', { level: 2, name: 'Reminders' }).waitFor();
      await section.scrollIntoViewIfNeeded();
      assert.equal(await page.locator('#f-reminders-agreement-unsigned-days').inputValue(), '3');
      assert.ok(!(await page.getByLabel('No goals yet').isChecked()));
      assert.equal(await page.locator('#f-reminders-no-goals-days').count(), 0);
      assert.equal(await page.locator('#f-reminders-inactive-days').inputValue(), '20');
      await assertNoOverflowX(page, `the saved reminders at ${width} px`);
      await shot('saved');
      await section.screenshot({ path: path.join(OUT, `reminders-${label}-section-saved.png`) });
      assertClean(problems);
    } catch (e) {
      await shot('FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
}
