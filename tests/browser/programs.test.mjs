// Programs: the setup wizard, the list, the overview and the settings page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SKIP, apiCall, assertClean, launch, openPage, screenshots, signIn, unique } from './lib.mjs';

let browser;
before(async () => {
  if (!SKIP) browser = await launch();
});
after(async () => {
  await browser?.close();
});

const name = unique('Wizard program');
let programId = 0;

async function next(page, step) {
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByTestId('wizard-step').filter({ hasText: `Step ${step} of 9` }).waitFor();
}

test('create a program through the wizard', { skip: SKIP }, async () => {
  const { context, page, problems } = await openPage(browser);
  const shot = screenshots(page, 'wizard');
  try {
    await signIn(page);
    await page.getByRole('link', { name: 'New program' }).first().click();
    await page.waitForURL('**/programs/new');

    // 1. Objectives. Next refuses an empty name, and says so at the field.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#f-name-error').waitFor();
    assert.match(await page.locator('#f-name-error').textContent(), /name/i);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-name', 'focus moves to the field');
    await shot('objectives-error');
    await page.getByLabel('Program name').fill(name);
    // Leaving the wizard now would lose the name: it asks, and "no" stays.
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      d.dismiss();
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await page.waitForTimeout(200);
    assert.match(asked, /will be lost/);
    assert.ok(page.url().endsWith('/programs/new'));
    assert.equal(await page.getByLabel('Program name').inputValue(), name);
    await page.getByLabel('Description').fill('Pairs new hires with experienced colleagues.');
    await page.getByLabel('What should the program achieve?').fill('Help new hires settle in and grow.');
    await page.getByRole('button', { name: 'Add a measurable objective' }).click();
    await page.getByLabel('What is measured').fill('12-month retention of new hires');
    await page.getByLabel('Unit').fill('%');
    await page.getByLabel('Baseline').fill('80');
    await page.getByLabel('Target').fill('88');
    await page.getByLabel('Measured by').selectOption('outcome');
    await page.getByLabel('Outcome kind (yes-rate of participants, %)').fill('retention_12m');
    await page.getByLabel('Reach it by').fill('2027-12-31');
    await shot('objectives');
    await next(page, 2);

    // 2. Participants: a multiple-choice question with two options.
    await page.getByLabel('Approval required').check();
    await page.getByRole('button', { name: 'Add a question' }).click();
    const q = page.locator('#f-selection-questions-1');
    await q.getByLabel('Question', { exact: true }).fill('Which languages do you speak?');
    await q.getByLabel('Answer type').selectOption('multiple_choice');
    await q.getByLabel('Option 1').fill('English');
    await q.getByLabel('Option 2').fill('French');
    // Enter in an option adds the next one instead of leaving the step.
    await q.getByLabel('Option 2').press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-selection-questions-1-options-2');
    await page.keyboard.type('German');
    assert.equal(await q.getByLabel('Key').inputValue(), 'which_languages_do_you_speak', 'the key follows the question');
    await shot('participants');
    await next(page, 3);

    // 3. Matching: add a "same department, reversed" criterion and a weight.
    await page.getByLabel('Minimum score').fill('0.25');
    await page.getByRole('button', { name: 'Add a criterion' }).click();
    const c = page.locator('#f-matching-criteria-2');
    await c.getByLabel('Kind').selectOption('same');
    await c.getByLabel('Field', { exact: true }).selectOption('department');
    await c.getByLabel('Prefer different values').check();
    await c.getByLabel('Weight').fill('2');
    assert.equal(await c.getByLabel('Name').inputValue(), 'department');
    // A negative weight is caught before the page moves on.
    await c.getByLabel('Weight').fill('-1');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#f-matching-criteria-2-weight-error').waitFor();
    await shot('matching-error');
    await c.getByLabel('Weight').fill('2');
    await shot('matching');
    await next(page, 4);

    // 4. Training: one module.
    await page.getByRole('button', { name: 'Add a module' }).click();
    await page.getByLabel('Title').fill('Orientation');
    await page.getByLabel('Content').fill('# Welcome\n\nWhat mentoring is, and what it is not.');
    await shot('training');
    await next(page, 5);

    // 5. Meetings.
    await page.getByLabel('Meetings a month').fill('2');
    await page.getByLabel('Phone').check();
    await shot('meetings');
    await next(page, 6);

    // 6. Goals: the setting-direction questions are there already.
    const goalQuestions = await page.locator('#f-goals-questions textarea').count();
    assert.equal(goalQuestions, 5);
    await shot('goals');
    await next(page, 7);

    // 7. Duration and phases: pick Kram and see its phases.
    await page.getByRole('radio', { name: 'Kram' }).check();
    await page.getByRole('list', { name: /Phases of the Kram model/ }).waitFor();
    for (const phase of ['Initiation', 'Cultivation', 'Separation', 'Redefinition'])
      assert.ok(await page.getByRole('heading', { name: new RegExp(phase) }).isVisible(), phase);
    await page.getByRole('spinbutton', { name: 'Duration' }).fill('9');
    await shot('phases');
    await next(page, 8);

    // 8. Dates, first in the wrong order: only the server checks that, so
    // Create comes back with a problem+json and the wizard returns to this
    // step with the message at the field.
    await page.getByLabel('Opens').fill('2027-01-04');
    await page.getByLabel('Closes').fill('2027-01-02');
    await page.getByLabel('Starts').fill('2027-02-15');
    await next(page, 9);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/programs')),
      page.getByRole('button', { name: 'Create program' }).click(),
    ]);
    assert.equal(refused.status(), 422);
    assert.equal((await refused.json()).field, 'dates.enrolment_closes');
    await page.getByTestId('wizard-step').filter({ hasText: 'Step 8 of 9' }).waitFor();
    const closesErr = page.locator('#f-dates-enrolment-closes-error');
    await closesErr.waitFor();
    assert.match(await closesErr.textContent(), /before enrolment opens/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-dates-enrolment-closes');
    await shot('dates-server-error');
    await page.getByLabel('Closes').fill('2027-01-29');
    await shot('dates');
    await next(page, 9);

    // Review; Back and Next keep what was typed.
    await page.getByRole('heading', { name: 'Review' }).waitFor();
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByTestId('wizard-step').filter({ hasText: 'Step 8 of 9' }).waitFor();
    assert.equal(await page.getByLabel('Closes').inputValue(), '2027-01-29');
    await next(page, 9);
    const review = await page.locator('form.wizard').textContent();
    for (const text of [name, '12-month retention of new hires', 'Which languages do you speak?', 'Kram', 'Cultivation', '2027-01-29'])
      assert.ok(review.includes(text), `the review shows ${text}`);
    await shot('review');

    await page.getByRole('button', { name: 'Create program' }).click();
    await page.waitForURL(/\/programs\/\d+$/);
    programId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const overview = await page.locator('main').textContent();
    for (const text of ['Kram', 'Initiation', 'Orientation', '9 months'])
      assert.ok(overview.includes(text), `the overview shows ${text}`);
    assert.ok(await page.getByRole('link', { name: 'Settings' }).isVisible());
    await shot('overview');

    // What the server stored.
    const got = await apiCall(page, 'GET', `/programs/${programId}`);
    assert.equal(got.status, 200);
    const p = got.body;
    assert.equal(p.phases.template, 'kram');
    assert.equal(p.duration_months, 9);
    assert.equal(p.matching.min_score, 0.25);
    assert.deepEqual(p.objectives.measures[0], {
      name: '12-month retention of new hires', unit: '%', baseline: 80, target: 88, tracks: 'outcome:retention_12m', by: '2027-12-31',
    });
    const question = p.selection.questions.find((x) => x.id === 'which_languages_do_you_speak');
    assert.deepEqual(question.options, ['English', 'French', 'German']);
    assert.equal(question.type, 'multiple_choice');
    const crit = p.matching.criteria.find((x) => x.name === 'department');
    assert.equal(crit.kind, 'same');
    assert.equal(crit.field, 'department');
    assert.equal(crit.different, true);
    assert.equal(crit.weight, 2);
    assert.deepEqual(p.meetings.modes.sort(), ['in_person', 'phone', 'video']);
    assert.equal(p.dates.enrolment_closes, '2027-01-29');
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

test('the new program is on the program list', { skip: SKIP }, async () => {
  assert.ok(programId, 'the wizard test created a program');
  const { context, page, problems } = await openPage(browser);
  const shot = screenshots(page, 'list');
  try {
    await signIn(page);
    await shot('home');
    assert.ok(await page.getByRole('link', { name }).isVisible(), 'home lists it');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Programs' }).click();
    await page.waitForURL('**/programs');
    const link = page.getByTestId('program-list').getByRole('link', { name });
    await link.waitFor();
    await shot('programs');
    await link.click();
    await page.waitForURL(`**/programs/${programId}`);
    await page.getByRole('heading', { level: 1, name }).waitFor();

    // Enough programs for a second page (20 a page).
    const first = await apiCall(page, 'GET', '/programs?limit=1&offset=0');
    for (let i = first.body.total; i <= 20; i++) {
      const made = await apiCall(page, 'POST', '/programs', { name: `Filler program ${i + 1}` });
      assert.equal(made.status, 201, JSON.stringify(made.body));
    }
    await page.goto('/programs');
    const pages = page.getByRole('navigation', { name: 'Pages' });
    await pages.waitFor();
    assert.match(await pages.textContent(), /Page 1 of \d+/);
    assert.equal(await page.getByTestId('program-list').getByRole('listitem').count(), 20);
    await shot('programs-page-1');
    await pages.getByRole('link', { name: 'Next' }).click();
    await page.waitForURL('**/programs?page=2');
    await page.getByText(/Showing 21–/).waitFor();
    assert.match(await pages.textContent(), /Page 2 of \d+/);
    await shot('programs-page-2');
    await page.goBack();
    await page.getByText(/Showing 1–20 of/).waitFor();

    // Unknown programs and paths get a "not found" page, not a blank one.
    await page.goto('/programs/999999');
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    await shot('program-not-found');
    await page.goto('/no/such/page');
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    await shot('path-not-found');
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

test('settings: a change is saved and kept; errors show at their field', { skip: SKIP }, async () => {
  assert.ok(programId, 'the wizard test created a program');
  const { context, page, problems } = await openPage(browser);
  const shot = screenshots(page, 'settings');
  try {
    await signIn(page);
    await page.goto(`/programs/${programId}`);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(`**/programs/${programId}/settings`);
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await shot('loaded');

    // Change a few things across sections and save.
    await page.getByLabel('Description').fill('Now with a new description.');
    await page.getByLabel('Typical length').fill('45');
    await page.getByRole('radio', { name: 'Rapport' }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('save-status').filter({ hasText: 'Saved' }).waitFor();
    await shot('saved');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    assert.equal(await page.getByLabel('Description').inputValue(), 'Now with a new description.');
    assert.equal(await page.getByLabel('Typical length').inputValue(), '45');
    assert.ok(await page.getByRole('radio', { name: 'Rapport' }).isChecked());
    // Sections not touched are kept whole.
    assert.equal(await page.getByLabel('Closes').inputValue(), '2027-01-29');
    assert.equal(await page.locator('#f-selection-questions-1-label').inputValue(), 'Which languages do you speak?');
    await shot('reloaded');

    // The page's own check: a minimum score above 1.
    await page.getByLabel('Minimum score').fill('2');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const msErr = page.locator('#f-matching-min-score-error');
    await msErr.waitFor();
    assert.match(await msErr.textContent(), /0 to 1/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-matching-min-score');
    await shot('client-error');
    await page.getByLabel('Minimum score').fill('0.3');

    // The server's check: enrolment closing before it opens. The page does
    // not check this itself, so the message shown comes from problem+json.
    await page.getByLabel('Opens').fill('2027-03-01');
    await page.getByLabel('Closes').fill('2027-02-01');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PATCH'),
      page.getByRole('button', { name: 'Save changes' }).click(),
    ]);
    assert.equal(res.status(), 422);
    const problem = await res.json();
    assert.equal(problem.field, 'dates.enrolment_closes');
    const dateErr = page.locator('#f-dates-enrolment-closes-error');
    await dateErr.waitFor();
    assert.match(await dateErr.textContent(), /before/);
    assert.equal(await page.getByLabel('Closes').getAttribute('aria-invalid'), 'true');
    assert.match(await page.getByLabel('Closes').getAttribute('aria-describedby'), /f-dates-enrolment-closes-error/);
    assert.match(await page.getByTestId('form-errors').textContent(), /before/);
    await shot('server-error');

    // Fixing it saves.
    await page.getByLabel('Closes').fill('2027-03-20');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('save-status').filter({ hasText: 'Saved' }).waitFor();
    assert.equal(await dateErr.count(), 0);
    await shot('fixed');
    const got = await apiCall(page, 'GET', `/programs/${programId}`);
    assert.equal(got.body.matching.min_score, 0.3);
    assert.equal(got.body.dates.enrolment_closes, '2027-03-20');
    assert.equal(got.body.phases.template, 'rapport');

    // Custom phases: start from the Rapport phases, rename one, add a key
    // action, drop the last phase, save and reload.
    await page.getByRole('button', { name: 'Customise these phases' }).click();
    assert.ok(await page.getByRole('radio', { name: 'Custom' }).isChecked());
    const first = page.locator('#f-phases-items-0');
    assert.equal(await first.getByLabel('Name').inputValue(), 'Building rapport');
    await first.getByLabel('Name').fill('Getting to know each other');
    await first.getByRole('button', { name: 'Add a key action' }).click();
    const actions = first.locator('#f-phases-items-0-key-actions input');
    await actions.last().fill('Swap short life stories');
    const phases = await page.locator('#f-phases-items > fieldset').count();
    await page.getByRole('button', { name: `Remove phase ${phases}` }).click();
    await shot('custom-phases');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('save-status').filter({ hasText: 'Saved' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    assert.ok(await page.getByRole('radio', { name: 'Custom' }).isChecked());
    assert.equal(await page.locator('#f-phases-items-0-name').inputValue(), 'Getting to know each other');
    const saved = (await apiCall(page, 'GET', `/programs/${programId}`)).body.phases;
    assert.equal(saved.template, 'custom');
    assert.equal(saved.items.length, phases - 1);
    assert.equal(saved.items[0].key_actions.at(-1), 'Swap short life stories');
    await shot('custom-phases-saved');

    // Leaving with unsaved changes asks first; saying no stays on the page.
    await page.getByLabel('Description').fill('A change nobody saves.');
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      d.dismiss();
    });
    await page.getByRole('link', { name: 'Back to the program' }).click();
    await page.waitForTimeout(200);
    assert.match(asked, /not saved/);
    assert.ok(page.url().endsWith('/settings'), 'still on the settings page');
    page.once('dialog', (d) => d.accept());
    await page.getByRole('link', { name: 'Back to the program' }).click();
    await page.waitForURL(`**/programs/${programId}`);
    // The URL changes before the overview has loaded the program: read it
    // once its summary is shown.
    await page.locator('#sum-duration').waitFor();
    const text = await page.locator('main').textContent();
    assert.ok(text.includes('Getting to know each other'));
    assert.ok(!text.includes('A change nobody saves.'));
    await shot('overview');
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});
