// Enrolment: a coordinator sets up a program, a mentee applies and is
// approved in the participant table, trains, and the funnel counts them;
// a CSV import; an invitation accepted from its e-mail link; every page at
// phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  SKIP,
  PASSWORD,
  apiCall,
  apiSession,
  assertClean,
  assertNoOverflowX,
  createPerson,
  invitationToken,
  launch,
  openPage,
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

const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const email = (who) => `${who}.${stamp}@example.org`;
const coordinator = { email: email('cora'), name: 'Cora Coordinator' };
const mentee = { email: email('mia'), name: 'Mia Mentee' };
const other = { email: email('dex'), name: 'Dex Declined' };
const programName = unique('Enrolment program');
let programId = 0;
let miaPart = 0;

/** Runs fn with a fresh page signed in as `who`; fails on page errors. */
async function as(who, prefix, fn, opts) {
  const { context, page, problems } = await openPage(browser, opts);
  const shot = screenshots(page, prefix);
  try {
    await signIn(page, who.email, PASSWORD);
    await fn(page, shot);
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
}

async function next(page, step) {
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByTestId('wizard-step').filter({ hasText: `Step ${step} of 9` }).waitFor();
}

test('a coordinator creates a program with a question and a training module', { skip: SKIP }, async () => {
  const admin = await apiSession();
  for (const p of [coordinator, mentee, other])
    await createPerson(admin, { ...p, siteRole: p === coordinator ? 'coordinator' : 'member' });
  await as(coordinator, 'enrol-wizard', async (page, shot) => {
    await page.getByRole('link', { name: 'New program' }).first().click();
    await page.waitForURL('**/programs/new');
    await page.getByLabel('Program name').fill(programName);
    await page.getByLabel('Description').fill('New hires find their feet with an experienced colleague.');
    await next(page, 2);
    // A required single-choice question for mentees, beside the motivation question.
    await page.getByLabel('Approval required').check();
    await page.getByRole('button', { name: 'Add a question' }).click();
    const q = page.locator('#f-selection-questions-1');
    await q.getByLabel('Question', { exact: true }).fill('Which track?');
    await q.getByLabel('Answer type').selectOption('single_choice');
    await q.getByLabel('Asked of').selectOption('mentee');
    await q.getByLabel('Option 1').fill('Engineering');
    await q.getByLabel('Option 2').fill('People');
    await q.getByLabel('An answer is required').check();
    await shot('question');
    await next(page, 3);
    await next(page, 4);
    await page.getByRole('button', { name: 'Add a module' }).click();
    await page.getByLabel('Title').fill('Orientation');
    await page.getByLabel('Content').fill('# Welcome\n\nWhat mentoring is, and *what it is not*.\n\n<script>alert(1)</script>');
    await shot('training');
    for (let s = 5; s <= 9; s++) await next(page, s);
    await page.getByRole('button', { name: 'Create program' }).click();
    await page.waitForURL(/\/programs\/\d+$/);
    programId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('heading', { level: 1, name: programName }).waitFor();
    // The coordinator's links on the overview.
    const links = page.getByRole('navigation', { name: 'In this program' });
    for (const name of ['Participants', 'Import', 'Funnel', 'Training', 'Apply as mentee', 'Apply as mentor'])
      assert.ok(await links.getByRole('link', { name }).isVisible(), `the overview links to ${name}`);
    await shot('overview');

    // The wizard has no editor for end-of-training questions: add one through the API.
    const got = (await apiCall(page, 'GET', `/programs/${programId}`)).body;
    assert.equal(got.selection.questions.find((x) => x.label === 'Which track?').required, true);
    const training = got.training;
    training.modules[0].questions = [{ id: 'ready', role: 'both', type: 'scale', label: 'How ready do you feel?', required: true, options: [] }];
    const r = await apiCall(page, 'PATCH', `/programs/${programId}`, { training });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });
});

test('a mentee applies, is approved in bulk, trains, and the funnel counts them', { skip: SKIP }, async () => {
  assert.ok(programId, 'the setup test created a program');

  // The coordinator adds Mia and Dex from the participant table.
  await as(coordinator, 'enrol-add', async (page, shot) => {
    await page.goto(`/programs/${programId}`);
    await page.getByRole('navigation', { name: 'In this program' }).getByRole('link', { name: 'Participants' }).click();
    await page.waitForURL(`**/programs/${programId}/participants`);
    await page.getByRole('heading', { level: 1, name: 'Participants' }).waitFor();
    await shot('empty');
    await page.getByRole('button', { name: 'Add person' }).click();
    // A bad address is caught before anything is sent.
    await page.getByLabel('E-mail address').fill('not an address');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.locator('#f-add-email-error').waitFor();
    for (const p of [mentee, other]) {
      await page.getByLabel('E-mail address').fill(p.email);
      await page.getByRole('region', { name: 'Add a person' }).getByLabel('Role').selectOption('mentee');
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText(`Invitation sent to ${p.email}`).waitFor();
    }
    // Adding Mia twice is refused by the server, at the e-mail field.
    await page.getByLabel('E-mail address').fill(mentee.email);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.locator('#f-add-email-error').filter({ hasText: /already/ }).waitFor();
    await shot('added');
    const table = page.getByTestId('participants');
    await table.getByRole('link', { name: mentee.name }).waitFor();
    assert.match(await table.textContent(), /Invited/);
  });

  // Mia signs in, finds the program and applies.
  await as(mentee, 'enrol-apply', async (page, shot) => {
    await page.getByRole('link', { name: programName }).first().click();
    await page.waitForURL(`**/programs/${programId}`);
    await page.getByText('You are invited to take part as a mentee.').waitFor();
    await shot('overview-invited');
    await page.getByRole('link', { name: 'Apply as mentee' }).click();
    await page.waitForURL(`**/programs/${programId}/apply?role=mentee`);
    await page.getByRole('heading', { level: 1, name: 'Apply as a mentee' }).waitFor();
    await shot('form');

    // Nothing filled: the required questions say so, and focus goes to the first.
    await page.getByRole('button', { name: 'Apply as mentee' }).click();
    await page.locator('#f-answers-motivation-error').waitFor();
    await page.locator('#f-answers-which-track-error').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-answers-motivation');
    assert.match(await page.getByTestId('form-errors').textContent(), /Answer this question/);
    await shot('required');

    // Filled by keyboard; a tag the server finds too long comes back at its field.
    await page.getByLabel(/Why do you want to take part/).fill('To find my feet faster.');
    await page.getByRole('radio', { name: 'Engineering' }).focus();
    await page.keyboard.press('Space');
    assert.ok(await page.getByRole('radio', { name: 'Engineering' }).isChecked());
    await page.getByLabel('Development needs').fill(`sql, ${'x'.repeat(201)}`);
    await page.getByLabel('Languages').fill('English, Portuguese');
    await page.getByLabel('Time zone').selectOption('Europe/Lisbon');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/programs/${programId}/participants`)),
      page.getByRole('button', { name: 'Apply as mentee' }).click(),
    ]);
    assert.equal(refused.status(), 422);
    assert.equal((await refused.json()).field, 'profile.development_needs[1]');
    const needsErr = page.locator('#f-profile-development-needs-error');
    await needsErr.waitFor();
    assert.match(await needsErr.textContent(), /tag of 1 to 200 bytes/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-profile-development-needs');
    assert.equal(await page.getByLabel('Development needs').getAttribute('aria-invalid'), 'true');
    await shot('server-error');

    await page.getByLabel('Development needs').fill('sql, public speaking');
    await page.getByRole('button', { name: 'Apply as mentee' }).click();
    await page.waitForURL(/\/participants\/\d+\?applied=1$/);
    miaPart = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByText('your application is in').waitFor();
    assert.match(await page.getByTestId('completeness').textContent(), /100 % complete/);
    assert.match(await page.getByTestId('stages').textContent(), /Invited.*Applied/s);
    assert.match(await page.locator('main').textContent(), /To find my feet faster\./);
    await shot('applied');

    // What the server stored.
    const got = (await apiCall(page, 'GET', `/programs/${programId}/participants/${miaPart}`)).body;
    assert.equal(got.status, 'applied');
    assert.deepEqual(got.application, { motivation: 'To find my feet faster.', which_track: 'Engineering' });
    assert.deepEqual(got.profile.development_needs, ['sql', 'public speaking']);
    assert.equal(got.profile.time_zone, 'Europe/Lisbon');

    // The overview now offers the profile, and no second mentee application.
    await page.goto(`/programs/${programId}`);
    const links = page.getByRole('navigation', { name: 'In this program' });
    await links.getByRole('link', { name: 'My profile' }).waitFor();
    assert.equal(await links.getByRole('link', { name: 'Apply as mentee' }).count(), 0);
    assert.ok(await links.getByRole('link', { name: 'Apply as mentor' }).isVisible(), 'both roles are possible');
    await shot('overview-applied');

    // Profile edit: the field a required criterion uses cannot be emptied;
    // an empty matching field lowers completeness; saving keeps it.
    await links.getByRole('link', { name: 'My profile' }).click();
    await page.waitForURL(`**/participants/${miaPart}`);
    await page.getByLabel('Languages').fill('');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.locator('#f-profile-languages-error').filter({ hasText: /only matches people who share languages/ }).waitFor();
    await page.getByLabel('Languages').fill('English');
    await page.getByLabel('Development needs').fill('');
    await page.getByLabel('Headline (optional)').fill('New in the data team');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByTestId('save-status').filter({ hasText: 'Saved' }).waitFor();
    assert.match(await page.getByTestId('completeness').textContent(), /50 % complete/);
    assert.match(await page.getByTestId('completeness').textContent(), /Still missing: Development needs/);
    await shot('profile-half');
    await page.getByLabel('Development needs').fill('sql');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByTestId('completeness').filter({ hasText: '100 % complete' }).waitFor();
    const saved = (await apiCall(page, 'GET', `/programs/${programId}/participants/${miaPart}`)).body.profile;
    assert.deepEqual(saved.languages, ['English']);
    assert.deepEqual(saved.development_needs, ['sql']);
    assert.equal(saved.headline, 'New in the data team');

    // Training is there to read, and waits for approval.
    await page.goto(`/programs/${programId}/training`);
    await page.getByText('Training opens once your application is approved').waitFor();
    assert.ok(await page.getByRole('button', { name: /Mark complete/ }).isDisabled());
    await shot('training-closed');
  });

  // Dex applies too (through the API), to be declined.
  await as(other, 'enrol-other', async (page) => {
    const r = await apiCall(page, 'POST', `/programs/${programId}/participants`, {
      role: 'mentee',
      answers: { motivation: 'Curious', which_track: 'People' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });

  // The coordinator approves Mia and declines Dex from the table.
  await as(coordinator, 'enrol-review', async (page, shot) => {
    await page.goto(`/programs/${programId}/participants`);
    await page.getByLabel('Status').selectOption('applied');
    await page.waitForURL(/status=applied/);
    const table = page.getByTestId('participants');
    await page.getByText('Showing 1–2 of 2.').waitFor();
    await shot('applied-filter');
    // Sorting by name, then reversed, is done by the server.
    await page.getByRole('button', { name: 'Name' }).click();
    await page.waitForURL(/sort=-name/);
    await page.locator('th[aria-sort="descending"]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="participants"] tbody tr a')?.textContent === 'Mia Mentee');
    await page.getByRole('button', { name: 'Name' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="participants"] tbody tr a')?.textContent === 'Dex Declined');
    // Search.
    await page.getByLabel('Search').fill('mia');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Showing 1–1 of 1.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Status').selectOption('applied');
    await page.getByText('Showing 1–2 of 2.').waitFor();

    // Decline asks for a reason first.
    await table.getByRole('checkbox', { name: /Select Dex Declined/ }).check();
    await page.getByRole('button', { name: 'Decline selected…' }).click();
    await page.getByRole('button', { name: 'Decline 1' }).click();
    await page.locator('#f-decline-reason').and(page.locator('[aria-invalid="true"]')).waitFor();
    await page.getByLabel(/Why are you declining/).fill('The program is full this round.');
    await page.getByRole('button', { name: 'Decline 1' }).click();
    await page.getByText('Declined 1 person: Dex Declined.').waitFor();
    await shot('declined');

    await table.getByRole('checkbox', { name: /Select Mia Mentee/ }).check();
    await shot('selected');
    await page.getByRole('button', { name: 'Approve selected' }).click();
    await page.getByText('Approved 1 person: Mia Mentee.').waitFor();
    await page.getByText('Nobody matches these filters.').waitFor();
    await page.getByLabel('Status').selectOption('');
    await table.getByRole('link', { name: mentee.name }).waitFor();
    const row = table.locator('tr', { has: page.getByRole('link', { name: mentee.name }) });
    assert.match(await row.textContent(), /Approved/);
    await shot('approved');

    // The participant page, as the coordinator sees it.
    await row.getByRole('link', { name: mentee.name }).click();
    await page.waitForURL(`**/participants/${miaPart}`);
    await page.getByRole('heading', { level: 1, name: mentee.name }).waitFor();
    const stages = await page.getByTestId('stages').textContent();
    assert.match(stages, /Invited.*Applied.*Approved/s);
    assert.equal(await page.getByRole('button', { name: 'Approve' }).count(), 0, 'approved already');
    await shot('participant');
  });

  // Mia completes the training.
  await as(mentee, 'enrol-training', async (page, shot) => {
    await page.goto(`/programs/${programId}`);
    await page.getByRole('navigation', { name: 'In this program' }).getByRole('link', { name: 'Training' }).click();
    await page.waitForURL(`**/programs/${programId}/training`);
    const module = page.getByRole('article', { name: 'Orientation' });
    await module.getByRole('heading', { name: 'Welcome' }).waitFor();
    // The server's Markdown: headings and emphasis as tags, the author's HTML as text.
    assert.equal(await module.locator('.module-content em').textContent(), 'what it is not');
    assert.match(await module.locator('.module-content').textContent(), /<script>alert\(1\)<\/script>/);
    await shot('training');
    await module.getByRole('button', { name: /Mark complete/ }).click();
    await page.locator('#f-training-orientation-ready-error').waitFor();
    await module.getByRole('radio', { name: '4' }).check();
    await module.getByRole('button', { name: /Mark complete/ }).click();
    await page.getByText('You have finished your training: you are trained.').waitFor();
    await page.getByTestId('trained').waitFor();
    assert.match(await module.textContent(), /Completed/);
    await shot('trained');
    const got = (await apiCall(page, 'GET', `/programs/${programId}/participants/${miaPart}`)).body;
    assert.equal(got.status, 'trained');
    assert.deepEqual(got.training_completed, ['orientation']);
  });

  // The funnel shows it: chart, table and CSV.
  await as(coordinator, 'enrol-funnel', async (page, shot) => {
    await page.goto(`/programs/${programId}`);
    await page.getByRole('navigation', { name: 'In this program' }).getByRole('link', { name: 'Funnel' }).click();
    await page.waitForURL(`**/programs/${programId}/funnel`);
    const table = page.getByTestId('funnel-table');
    await table.waitFor();
    await page.locator('.chart-box canvas').waitFor();
    await page.waitForFunction(() => (document.querySelector('.chart-box canvas')?.getBoundingClientRect().height || 0) > 100);
    const cells = async (stage) =>
      (await table.locator(`tr[data-stage="${stage}"] > *`).allTextContents()).map((t) => t.trim());
    // Both were invited and applied: everyone counted passed every stage
    // before the one they reached.
    assert.deepEqual(await cells('invited'), ['Invited', '2', '—', '100 %']);
    assert.deepEqual(await cells('applied'), ['Applied', '2', '100 %', '100 %']);
    assert.deepEqual(await cells('approved'), ['Approved', '1', '50 %', '50 %']);
    assert.deepEqual(await cells('trained'), ['Trained', '1', '100 %', '50 %']);
    assert.deepEqual(await cells('matched'), ['Matched', '0', '0 %', '0 %']);
    assert.match(await page.getByTestId('funnel-everyone').textContent(), /In the funnel: 2 mentors and mentees/);
    const exits = page.getByTestId('funnel-exits');
    assert.deepEqual((await exits.locator('tr[data-stage="declined"] > *').allTextContents()).map((t) => t.trim()), ['Declined', '1']);
    await shot('funnel');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^funnel-program-\d+\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    assert.match(csv, /^stage,count,conversion_from_previous,conversion_from_first\r\n/);
    assert.match(csv, /\r\ntrained,1,1\.0000,0\.5000\r\n/);

    // Mentors only: nobody yet.
    await page.getByLabel('Show').selectOption('mentor');
    await page.waitForURL(/role=mentor/);
    await page.waitForFunction(() => document.querySelector('tr[data-stage="applied"] td')?.textContent === '0');
    await shot('funnel-mentors');
  });
});

test('a CSV import: the dry run lists the bad row, the fixed file imports', { skip: SKIP }, async () => {
  assert.ok(programId, 'the setup test created a program');
  const header = 'email,name,role,department,time_zone,languages,expertise,capacity\n';
  const good1 = `lena.${stamp}@import.example,Lena Lead,mentor,Engineering,Europe/Berlin,English; German,leadership; sql,2\n`;
  const bad = `omar.${stamp}@import.example,Omar Ops,mentor,Operations,Mars/Olympus,English,finance,1\n`;
  const fixed = bad.replace('Mars/Olympus', 'Europe/Dublin');
  await as(coordinator, 'enrol-import', async (page, shot) => {
    await page.goto(`/programs/${programId}/participants`);
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.waitForURL(`**/programs/${programId}/import`);
    await page.getByRole('heading', { level: 1, name: 'Import participants' }).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled(), 'import waits for a check');
    await shot('empty');

    // Line 3 has a time zone nobody knows.
    await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(header + good1 + bad) });
    await page.getByRole('button', { name: 'Check' }).click();
    const errors = page.getByTestId('import-errors');
    await errors.waitFor();
    const rows = errors.locator('tbody tr');
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().getAttribute('data-line'), '3');
    assert.match(await rows.first().textContent(), /line 3/);
    assert.match(await rows.first().textContent(), /time_zone/);
    // The place names the CSV column, not a character offset.
    assert.equal(await rows.first().getAttribute('data-column'), 'time_zone');
    assert.equal((await rows.first().locator('td[data-label="Where"]').textContent()).trim(), 'line 3, column "time_zone"');
    assert.doesNotMatch(await rows.first().textContent(), /column \d/);
    assert.match(await rows.first().textContent(), /Mars\/Olympus/);
    assert.ok(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled());
    await shot('bad-row');
    const before = (await apiCall(page, 'GET', `/programs/${programId}/participants?q=import.example`)).body.total;
    assert.equal(before, 0, 'a dry run changes nothing');

    // The fixed file checks clean, then imports.
    await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(header + good1 + fixed) });
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByTestId('import-check').filter({ hasText: 'The file is fine: 2 rows' }).waitFor();
    await shot('checked');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    assert.equal(await summary.locator('[data-count="created"]').textContent(), '2');
    assert.equal(await summary.locator('[data-count="updated"]').textContent(), '0');
    assert.equal(await summary.locator('[data-count="unchanged"]').textContent(), '0');
    await shot('imported');

    // The rows are in the participant table.
    await summary.getByRole('link', { name: 'See the participants' }).click();
    await page.waitForURL(`**/programs/${programId}/participants`);
    await page.getByLabel('Search').fill('import.example');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Showing 1–2 of 2.').waitFor();
    const table = page.getByTestId('participants');
    for (const name of ['Lena Lead', 'Omar Ops']) {
      const row = table.locator('tr', { has: page.getByRole('link', { name }) });
      assert.match(await row.textContent(), /Mentor.*Invited/s, name);
    }
    await shot('in-table');
  });
});

test('an invitation link: set a password, then apply in the invited role', { skip: SKIP }, async () => {
  assert.ok(programId, 'the setup test created a program');
  const invitee = { email: email('ivo'), name: 'Ivo Invited' };
  await as(coordinator, 'enrol-invite-add', async (page) => {
    await page.goto(`/programs/${programId}/participants`);
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.getByLabel('E-mail address').fill(invitee.email);
    await page.getByLabel('Name (optional)').fill('I. Vited');
    await page.getByRole('region', { name: 'Add a person' }).getByLabel('Role').selectOption('mentor');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText(`Invitation sent to ${invitee.email} as mentor.`).waitFor();
  });
  const token = await invitationToken(invitee.email);

  const { context, page, problems } = await openPage(browser);
  const shot = screenshots(page, 'enrol-invite');
  try {
    // Signed out, the link opens the acceptance page (not the sign-in page).
    await page.goto(`/invite/${token}`);
    await page.getByRole('heading', { level: 1, name: 'Accept your invitation' }).waitFor();
    // The page names the program and the role before anything is typed.
    await page.getByTestId('invitation-for').filter({ hasText: `in ${programName} as a mentor` }).waitFor();
    await shot('form');
    await page.getByLabel('Your name (optional)').fill(invitee.name);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(PASSWORD + 'x');
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.locator('#f-confirm-error').waitFor();
    // The server's rule for passwords shows at the field.
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password again').fill('short');
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.locator('#f-password-error').filter({ hasText: /too short/ }).waitFor();
    await shot('password-error');

    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.waitForURL(`**/programs/${programId}/apply?role=mentor`);
    await page.getByRole('heading', { level: 1, name: 'Apply as a mentor' }).waitFor();
    assert.equal(await page.getByTestId('signed-in-as').textContent().then((t) => t.trim()), `Signed in as ${invitee.name}`);
    await page.getByText('You were invited as a mentor.').waitFor();
    await shot('apply-form');

    // The mentor form: no mentee question; capacity; the mentor's matching fields.
    assert.equal(await page.getByText('Which track?').count(), 0);
    await page.getByLabel(/Why do you want to take part/).fill('I was asked, and I am glad to help.');
    await page.getByLabel('Expertise').fill('architecture, sql');
    await page.getByLabel('Languages').fill('English');
    await page.getByLabel('How many mentees can you take at once?').fill('3');
    // Posting needs the CSRF token the acceptance gave this browser.
    await page.getByRole('button', { name: 'Apply as mentor' }).click();
    await page.waitForURL(/\/participants\/\d+\?applied=1$/);
    await page.getByRole('heading', { level: 1, name: 'Your profile as mentor' }).waitFor();
    assert.match(await page.getByTestId('stages').textContent(), /Invited.*Applied/s);
    await shot('applied');
    const partId = Number(new URL(page.url()).pathname.split('/').pop());
    const got = (await apiCall(page, 'GET', `/programs/${programId}/participants/${partId}`)).body;
    assert.equal(got.capacity, 3);
    assert.equal(got.person.name, invitee.name);

    // The link works once: opened again, it says so at once.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/signin');
    await page.goto(`/invite/${token}`);
    await page.getByTestId('invite-gone').waitFor();
    assert.equal(await page.getByLabel('Password', { exact: true }).count(), 0);
    await shot('used');
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

test('the enrolment pages at phone width, without sideways scrolling', { skip: SKIP }, async () => {
  assert.ok(programId && miaPart, 'the earlier tests ran');
  const phone = { width: 375, height: 740 };
  await as(
    coordinator,
    'enrol-phone-coordinator',
    async (page, shot) => {
      for (const [name, path] of [
        ['overview', `/programs/${programId}`],
        ['participants', `/programs/${programId}/participants`],
        ['participant', `/programs/${programId}/participants/${miaPart}`],
        ['import', `/programs/${programId}/import`],
        ['funnel', `/programs/${programId}/funnel`],
        ['training', `/programs/${programId}/training`],
        ['apply', `/programs/${programId}/apply?role=mentor`],
      ]) {
        await page.goto(path);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        await assertNoOverflowX(page, name);
        await shot(name);
      }
      // The participant table by keyboard: sort with the select (the column
      // headers are hidden on a phone), select a row, reach the bulk buttons.
      await page.goto(`/programs/${programId}/participants`);
      await page.getByTestId('participants').waitFor();
      await page.getByLabel('Sort by').selectOption('-created_at');
      await page.waitForURL(/sort=-created_at/);
      await page.getByTestId('participants').waitFor();
      await page.getByLabel('Select all on this page').focus();
      await page.keyboard.press('Space');
      assert.match(await page.locator('.bulk-count').textContent(), /^[1-9]\d* selected$/);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Approve selected');
      await shot('participants-selected');
    },
    phone,
  );
  await as(
    mentee,
    'enrol-phone-mentee',
    async (page, shot) => {
      for (const [name, path] of [
        ['overview', `/programs/${programId}`],
        ['profile', `/programs/${programId}/participants/${miaPart}`],
        ['training', `/programs/${programId}/training`],
        ['apply-mentor', `/programs/${programId}/apply?role=mentor`],
        ['apply-choose', `/programs/${programId}/apply`],
      ]) {
        await page.goto(path);
        await page.locator('main h1').first().waitFor();
        await assertNoOverflowX(page, name);
        await shot(name);
      }
      // A mentee sees neither the participant table nor the funnel.
      await page.goto(`/programs/${programId}/participants`);
      await page.getByText("Only the program's coordinators see its participants.").waitFor();
      await page.goto(`/programs/${programId}/funnel`);
      await page.getByText("Reports are for the program's coordinators and stakeholders.").waitFor();
      await shot('refused');
    },
    phone,
  );
});
