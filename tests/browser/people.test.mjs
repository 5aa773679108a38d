// What people see of enrolment's rules (issue 9): a new member's Programs
// page lists what they can join; enrolment dates say when applying opens or
// closed; the application and the profile speak people's words - a
// time-zone picker, the program's pick-lists and questionnaire, the fields
// required criteria use marked required, every refusal marked at once; the
// program page says what it matches on in words; the invitation page names
// the program and the role; the wizard names two bad dates in one attempt.
// At desktop and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
const coordinator = { email: email('cleo'), name: 'Cleo Coordinator' };
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const longDay = (d) => new Date(`${d}T00:00:00Z`).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
const SKILLS = ['SQL', 'Python', 'Leadership', 'Negotiation'];

let open = null;
let later = null;
let over = null;

async function setup() {
  if (open) return;
  const admin = await apiSession();
  await createPerson(admin, { ...coordinator, siteRole: 'coordinator' });
  const coord = await apiSession(coordinator.email, PASSWORD);
  const make = async (name, extra) => {
    const r = await coord('POST', '/programs', { name, status: 'enrolling', ...extra });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  open = await make(unique('Words program'), {
    selection: {
      access: 'approval',
      questions: [
        { id: 'motivation', role: 'both', type: 'long_text', label: 'Why do you want to take part?', required: true },
        { id: 'track', role: 'mentee', type: 'single_choice', label: 'Which track?', required: true, options: ['Engineering', 'People'] },
      ],
      profile_fields: {
        development_needs: { options: SKILLS, other: false },
        expertise: { options: SKILLS, other: false },
        languages: { options: ['English', 'Portuguese', 'German'], other: true },
      },
    },
    matching: {
      min_score: 0.1,
      criteria: [
        { name: 'skills', kind: 'overlap', mentee_field: 'development_needs', mentor_field: 'expertise', weight: 3 },
        { name: 'language', kind: 'shared', field: 'languages', weight: 1, required: true },
        { name: 'time zone', kind: 'distance', field: 'utc_offset', scale: 6, weight: 1 },
        { name: 'personality', kind: 'similarity', field: 'personality', weight: 1 },
      ],
    },
    dates: { enrolment_opens: day(-5), enrolment_closes: day(30) },
  });
  later = await make(unique('Spring cohort'), { dates: { enrolment_opens: day(20), enrolment_closes: day(40) } });
  over = await make(unique('Autumn cohort'), { dates: { enrolment_opens: day(-40), enrolment_closes: day(-2) } });
}

/** Runs fn with a fresh page signed in as `who`; fails on page errors. */
async function as(who, prefix, fn, opts) {
  const { context, page, problems } = await openPage(browser, opts);
  const shot = screenshots(page, prefix);
  try {
    if (who) await signIn(page, who.email, PASSWORD);
    await fn(page, shot);
    assertClean(problems);
  } catch (e) {
    await shot('FAILED').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
}

for (const [label, viewport] of [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 375, height: 740 }],
]) {
  test(`a new member sees what they can join and when, at ${label} width`, { skip: SKIP }, async () => {
    await setup();
    const member = { email: email(`nia-${label}`), name: 'Nia Newcomer' };
    await createPerson(await apiSession(), member);
    await as(member, `people-${label}-join`, async (page, shot) => {
      await page.goto('/programs');
      const joinable = page.getByTestId('joinable-programs');
      await joinable.waitFor();
      // Not "No programs yet" while programs take applications.
      assert.match(await page.getByTestId('programs-count').textContent(), /the ones below take applications/);
      const card = (p) => joinable.locator('li', { has: page.getByRole('link', { name: p.name }) });
      assert.equal(await card(open).getByRole('link', { name: 'Apply as mentee' }).count(), 1);
      assert.match(await card(later).textContent(), new RegExp(`Enrolment opens on ${longDay(day(20))}`));
      assert.equal(await card(later).getByRole('link', { name: /Apply/ }).count(), 0);
      assert.equal(await card(over).count(), 0, 'a program whose enrolment closed is not offered');
      await assertNoOverflowX(page, 'the programs page');
      await shot('programs');

      // The closed one, opened anyway: it says so, and offers no application.
      await page.goto(`/programs/${over.id}`);
      await page.getByTestId('enrolment-shut').filter({ hasText: `Enrolment closed on ${longDay(day(-2))}` }).waitFor();
      assert.equal(await page.getByRole('link', { name: /Apply as/ }).count(), 0);
      await shot('closed');
      await page.goto(`/programs/${later.id}/apply?role=mentee`);
      await page.getByTestId('enrolment-shut').filter({ hasText: `Enrolment opens on ${longDay(day(20))}` }).waitFor();
      assert.equal(await page.getByRole('button', { name: /Apply as/ }).count(), 0);
      await shot('not-yet');

      // What the program matches on, in words: no weights, no scores.
      await page.goto(`/programs/${open.id}`);
      const words = page.getByTestId('matching-in-words');
      await words.waitFor();
      const text = await words.textContent();
      assert.match(text, /A mentor whose expertise covers what the mentee wants to learn — matters most/);
      assert.match(text, /At least one language in common — a must: nobody is matched without it/);
      assert.match(text, /Time zones close to each other/);
      assert.match(text, /Similar answers about working style/);
      assert.match(text, /Nobody is matched with their manager/);
      const main = await page.locator('main').textContent();
      assert.doesNotMatch(main, /Minimum score|Weight|weight \d/);
      await assertNoOverflowX(page, 'the program page');
      await shot('program-words');
    }, viewport);
  });

  test(`applying in the program's words, every refusal at once, at ${label} width`, { skip: SKIP }, async () => {
    await setup();
    const member = { email: email(`ana-${label}`), name: 'Ana Applicant' };
    await createPerson(await apiSession(), member);
    await as(member, `people-${label}-apply`, async (page, shot) => {
      await page.goto(`/programs/${open.id}/apply?role=mentee`);
      await page.getByRole('heading', { level: 1, name: 'Apply as a mentee' }).waitFor();
      // The field a required criterion uses is marked required; the others used for matching.
      const languages = page.locator('fieldset[data-field="languages"]');
      assert.match(await languages.locator('legend').textContent(), /Languages \(required\)/);
      assert.match(await page.locator('fieldset[data-field="development_needs"] legend').textContent(), /^Development needs$/);
      // A time-zone picker instead of "UTC offset (hours)", the browser's zone to start with.
      assert.equal(await page.getByText('UTC offset').count(), 0);
      await page.getByLabel('Time zone').locator('option[value="Asia/Kolkata"]').waitFor({ state: 'attached' });
      const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      assert.equal(await page.getByLabel('Time zone').inputValue(), browserZone);
      await shot('form');

      // Nothing answered: every problem marked in one attempt.
      await page.getByRole('button', { name: 'Apply as mentee' }).click();
      await page.locator('#f-answers-motivation-error').waitFor();
      await page.locator('#f-answers-track-error').waitFor();
      await page.locator('#f-profile-languages-error').filter({ hasText: /only matches people who share languages/ }).waitFor();
      assert.equal(await page.getByTestId('form-errors').getByRole('link').count(), 3);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-answers-motivation');
      await shot('every-refusal');

      // Filled in the program's words.
      await page.getByLabel(/Why do you want to take part/).fill('To learn from someone who has done it.');
      await page.getByRole('radio', { name: 'Engineering' }).check();
      const needs = page.locator('fieldset[data-field="development_needs"]');
      await needs.getByLabel('SQL').check();
      await needs.getByLabel('Leadership').check();
      await languages.getByLabel('English').check();
      await languages.getByLabel(/Others of your own/).fill('Basque');
      await page.getByLabel('Time zone').selectOption('Asia/Kolkata');
      await page.getByTestId('zone-offset').filter({ hasText: 'UTC+05:30 now' }).waitFor();
      // A questionnaire instead of comma-separated numbers: half answered is refused.
      const personality = page.locator('fieldset[data-field="personality"]');
      assert.equal(await personality.locator('.statement').count(), 8);
      await personality.getByRole('radio', { name: 'I enjoy meeting new people: 4' }).check();
      await page.getByRole('button', { name: 'Apply as mentee' }).click();
      await page.locator('#f-profile-personality-error').filter({ hasText: 'Answer every statement, or none.' }).waitFor();
      const statements = await personality.locator('.statement-label').allTextContents();
      for (const [i, s] of statements.entries())
        await personality.getByRole('radio', { name: `${s}: ${1 + (i % 5)}`, exact: false }).check();
      await assertNoOverflowX(page, 'the application');
      await shot('filled');
      await page.getByRole('button', { name: 'Apply as mentee' }).click();
      await page.waitForURL(/\/participants\/\d+\?applied=1$/);
      const part = Number(new URL(page.url()).pathname.split('/').pop());
      const got = (await apiCall(page, 'GET', `/programs/${open.id}/participants/${part}`)).body;
      assert.deepEqual(got.profile.development_needs, ['SQL', 'Leadership']);
      assert.deepEqual(got.profile.languages, ['English', 'Basque']);
      assert.equal(got.profile.time_zone, 'Asia/Kolkata');
      assert.equal(got.profile.utc_offset, 5.5, 'the offset is derived from the zone');
      assert.deepEqual(got.profile.personality, [1, 2, 3, 4, 5, 1, 2, 3]);
      assert.deepEqual(got.required_fields, ['languages']);

      // The profile: the same controls, filled; the required field cannot be emptied.
      await page.getByText('your application is in').waitFor();
      const profLangs = page.locator('fieldset[data-field="languages"]');
      assert.ok(await profLangs.getByLabel('English').isChecked());
      assert.equal(await profLangs.getByLabel(/Others of your own/).inputValue(), 'Basque');
      assert.equal(await page.getByLabel('Time zone').inputValue(), 'Asia/Kolkata');
      await profLangs.getByLabel('English').uncheck();
      await profLangs.getByLabel(/Others of your own/).fill('');
      await profLangs.getByLabel(/Others of your own/).blur();
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.locator('#f-profile-languages-error').waitFor();
      await profLangs.getByLabel('Portuguese').check();
      await page.getByLabel('Time zone').selectOption('America/Sao_Paulo');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByTestId('save-status').filter({ hasText: 'Saved' }).waitFor();
      const saved = (await apiCall(page, 'GET', `/programs/${open.id}/participants/${part}`)).body;
      assert.deepEqual(saved.profile.languages, ['Portuguese']);
      assert.equal(saved.profile.utc_offset, -3);
      assert.equal(saved.person.time_zone, 'America/Sao_Paulo', 'the zone is the person’s, for meetings');
      await assertNoOverflowX(page, 'the profile');
      await shot('profile');
    }, viewport);
  });

  test(`an invitation names the program and the role, at ${label} width`, { skip: SKIP }, async () => {
    await setup();
    const coord = await apiSession(coordinator.email, PASSWORD);
    const invitee = email(`ivo-${label}`);
    const r = await coord('POST', `/programs/${open.id}/participants`, { email: invitee, name: 'Ivo Invited', role: 'mentor' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const token = await invitationToken(invitee);
    await as(null, `people-${label}-invite`, async (page, shot) => {
      await page.goto(`/invite/${token}`);
      const what = page.getByTestId('invitation-for');
      await what.waitFor();
      assert.match(await what.textContent(), new RegExp(`Ivo Invited, you are invited to take part in\\s+${open.name}\\s+as a\\s+mentor\\.`));
      assert.match(await page.title(), new RegExp(`Invitation to ${open.name}`));
      await assertNoOverflowX(page, 'the invitation page');
      await shot('invitation');
    }, viewport);
  });
}

test('the wizard names two bad dates in one attempt', { skip: SKIP }, async () => {
  await setup();
  await as(coordinator, 'people-wizard-dates', async (page, shot) => {
    await page.goto('/programs/new');
    await page.getByLabel('Program name').fill(unique('Dated program'));
    for (let s = 2; s <= 8; s++) {
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByTestId('wizard-step').filter({ hasText: `Step ${s} of 9` }).waitFor();
    }
    await page.getByLabel('Opens').fill('2027-03-01');
    await page.getByLabel('Closes').fill('2027-02-01');
    await page.getByLabel('Matching').fill('2027-02-15');
    // The server checks the order of the dates: creating comes back to
    // this step with both named at once, not one per attempt.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('wizard-step').filter({ hasText: 'Step 9 of 9' }).waitFor();
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/programs')),
      page.getByRole('button', { name: 'Create program' }).click(),
    ]);
    assert.equal(refused.status(), 422);
    assert.deepEqual((await refused.json()).errors.map((e) => e.field), ['dates.enrolment_closes', 'dates.matching_date']);
    await page.getByTestId('wizard-step').filter({ hasText: 'Step 8 of 9' }).waitFor();
    await page.locator('#f-dates-enrolment-closes-error').filter({ hasText: /before enrolment opens \(2027-03-01\)/ }).waitFor();
    await page.locator('#f-dates-matching-date-error').filter({ hasText: /before enrolment opens/ }).waitFor();
    assert.equal(await page.getByTestId('form-errors').getByRole('link').count(), 2);
    await shot('two-dates');
    await page.getByLabel('Closes').fill('2027-03-31');
    await page.getByLabel('Matching').fill('2027-04-02');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('wizard-step').filter({ hasText: 'Step 9 of 9' }).waitFor();
    await page.getByRole('button', { name: 'Create program' }).click();
    await page.waitForURL(/\/programs\/\d+$/);
  });
});
