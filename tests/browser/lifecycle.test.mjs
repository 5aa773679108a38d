// The relationship lifecycle and the pages around it, as the people see
// them (issue 9): renewal and closure proposed by one partner and agreed
// by the other, a reflection after closing, a partner's profile; the
// coordinator's home, the Relationships menu, a proposal's figures after
// a hand edit and who is not in the run; Find a mentor saying what is
// missing, the mentor reading who asks, a matched mentee told so; the
// wizard's renewal window and no promise of flagging. Desktop and phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  SKIP,
  apiSession,
  assertClean,
  launch,
  makePerson,
  openPage,
  overflowX,
  screenshots,
  signIn,
  unique,
} from './lib.mjs';

let browser;
let admin;
let coord; // a coordinator's account and API session
let coordApi;
let admin1; // the admin-matched program
let self1; // the self-matching program

const TRAINING = {
  required_before_matching: true,
  modules: [{ id: 'intro', role: 'both', title: 'Introduction', content_md: 'Welcome.', questions: [] }],
};
const CRITERIA = [
  { name: 'language', kind: 'shared', field: 'languages', weight: 1, required: true },
  { name: 'skills', kind: 'overlap', mentee_field: 'development_needs', mentor_field: 'expertise', weight: 3 },
];

/** Runs SQL on the test server's SQLite file (for what no API sets, e.g. a department). */
function sql(statement) {
  execFileSync('sqlite3', [process.env.TANDEM_DB.replace(/^sqlite:/, ''), statement]);
}

/** A person in a program with the role, approved by the coordinator and trained when asked. */
async function join(program, name, role, { profile = {}, train = true, approve = true, ...extra } = {}) {
  const person = await makePerson(admin, name);
  const api = await apiSession(person.email, person.password);
  const r = await api('POST', `/programs/${program.id}/participants`, { role, profile, ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  person.part = r.body.id;
  person.api = api;
  if (approve && r.body.status === 'applied') {
    const a = await coordApi('PATCH', `/programs/${program.id}/participants/${person.part}`, { status: 'approved' });
    assert.equal(a.status, 200, JSON.stringify(a.body));
  }
  if (train) {
    const t = await api('POST', `/programs/${program.id}/training/intro/completion`, { answers: {} });
    assert.ok(t.status === 200 || t.status === 201, JSON.stringify(t.body));
  }
  return person;
}

before(async () => {
  if (SKIP) return;
  browser = await launch();
  admin = await apiSession();
  coord = await makePerson(admin, 'Carla Coordinator');
  sql(`UPDATE people SET site_role = 'coordinator' WHERE id = ${coord.id}`);
  coordApi = await apiSession(coord.email, coord.password);
  let r = await coordApi('POST', '/programs', { status: 'enrolling',
    name: unique('Leads mentoring'),
    selection: { access: 'approval', questions: [] },
    training: TRAINING,
    matching: { mode: 'admin', criteria: CRITERIA },
    duration_months: 1,
    renewals: 1,
    renewal_window_days: 120,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  admin1 = r.body;
  r = await coordApi('POST', '/programs', { status: 'enrolling',
    name: unique('Find your mentor'),
    selection: { access: 'open', questions: [{ id: 'hope', role: 'mentee', type: 'text', label: 'What do you hope to learn?' }] },
    training: { required_before_matching: false, modules: [] },
    matching: { mode: 'self', criteria: CRITERIA },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  self1 = r.body;
});

after(async () => {
  await browser?.close();
});

const speaks = (extra = {}) => ({ languages: ['English'], ...extra });
/** The text of a locator with its white space run together, as a person reads it. */
const read = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();

test('renewal and closure take both partners; each may reflect after closing', { skip: SKIP }, async () => {
  const mentor = await join(admin1, 'Maya Mentor', 'mentor', { profile: speaks({ expertise: ['sql'] }), capacity: 2 });
  const mentee = await join(admin1, 'Eli Mentee', 'mentee', { profile: speaks({ development_needs: ['sql'] }) });
  const made = await coordApi('POST', `/programs/${admin1.id}/relationships`, { mentor: mentor.part, mentees: [mentee.part] });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const rel = made.body;
  const e = await openPage(browser, { width: 375, height: 800 });
  const m = await openPage(browser);
  const eshot = screenshots(e.page, 'lifecycle-mentee');
  const mshot = screenshots(m.page, 'lifecycle-mentor');
  const narrow = async (what) => assert.equal(await overflowX(e.page), null, what);
  try {
    await signIn(e.page, mentee.email, mentee.password);
    await signIn(m.page, mentor.email, mentor.password);
    await e.page.goto(`/relationships/${rel.id}`);
    await e.page.getByRole('heading', { level: 1, name: 'Maya Mentor & Eli Mentee' }).waitFor();

    // The mentee proposes renewing, confirming in the dialog, then withdraws it.
    await e.page.getByRole('button', { name: 'Propose renewing…' }).click();
    const dialog = e.page.getByTestId('renew-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await read(dialog), /The planned end moves from .* to .*renewal 1\s+of 1/s);
    assert.match(await read(dialog), /Maya Mentor is asked to accept/);
    await narrow('renew dialog');
    await eshot('renew-dialog');
    await dialog.getByRole('button', { name: 'Propose renewing' }).click();
    await e.page.getByTestId('status-message').getByText(/You proposed renewing/).waitFor();
    assert.match(await read(e.page.getByTestId('proposal')), /You proposed renewing the relationship/);
    assert.match(await read(e.page.getByTestId('proposal')), /Waiting for Maya Mentor/);
    await narrow('renewal proposed');
    await eshot('renewal-proposed');
    await e.page.getByRole('button', { name: 'Withdraw the proposal' }).click();
    await e.page.getByTestId('status-message').getByText(/You withdrew the proposal to renew/).waitFor();
    assert.equal(await e.page.getByTestId('proposal').count(), 0);
    await e.page.getByRole('button', { name: 'Propose renewing…' }).click();
    await dialog.getByRole('button', { name: 'Propose renewing' }).click();
    await e.page.getByTestId('proposal').waitFor();

    // The mentor sees who proposed it and accepts, confirming first.
    await m.page.goto(`/relationships/${rel.id}`);
    const proposal = m.page.getByTestId('proposal');
    await proposal.waitFor();
    assert.match(await read(m.page.getByTestId('proposal-banner')), /Renewing this relationship has been proposed/);
    assert.match(await read(proposal), /Eli Mentee proposed renewing the relationship/);
    await mshot('renewal-to-accept');
    await m.page.getByRole('button', { name: 'Accept the renewal…' }).click();
    await m.page.getByTestId('renew-dialog').getByRole('button', { name: 'Accept renewal' }).click();
    await m.page.getByTestId('status-message').getByText(/Renewed: the relationship is now planned to end on/).waitFor();
    assert.match(await read(m.page.getByTestId('status-section')), /Renewed 1 of 1 time allowed/);
    assert.equal(await m.page.getByRole('button', { name: /Propose renewing/ }).count(), 0, 'the one renewal is used');

    // The mentor proposes closing; the mentee declines; then the mentor proposes again and the mentee confirms.
    await m.page.getByRole('button', { name: 'Propose closing…' }).click();
    await m.page.getByLabel('What did you learn?').fill('Questions beat answers');
    await m.page.getByRole('button', { name: 'Propose closing', exact: true }).click();
    await m.page.getByTestId('status-message').getByText(/You proposed closing/).waitFor();
    assert.match(await read(m.page.getByTestId('rel-status')), /Closing/);
    await e.page.reload();
    await e.page.getByTestId('proposal').getByText(/Maya Mentor proposed closing/).waitFor();
    await narrow('closing proposed');
    await eshot('closing-to-answer');
    await e.page.getByRole('button', { name: 'Decline' }).click();
    await e.page.getByTestId('status-message').getByText(/You declined the proposal to close; the relationship goes on/).waitFor();
    assert.match(await read(e.page.getByTestId('rel-status')), /Active/);
    await m.page.reload();
    await m.page.getByRole('button', { name: 'Propose closing…' }).click();
    await m.page.getByLabel('What did you learn?').fill('Questions beat answers');
    await m.page.getByRole('button', { name: 'Propose closing', exact: true }).click();
    await m.page.getByTestId('proposal').waitFor();
    await mshot('closing-proposed');
    await e.page.reload();
    await e.page.getByRole('button', { name: 'Confirm with my reflection…' }).click();
    await e.page.getByLabel('What did you learn?').fill('To ask for feedback');
    await e.page.getByRole('button', { name: 'Confirm closing', exact: true }).click();
    await e.page.getByTestId('status-message').getByText('The relationship is complete. Thank you!').waitFor();
    assert.match(await read(e.page.getByTestId('rel-status')), /Completed/);

    // After closing, the mentee rewrites the reflection.
    await e.page.getByRole('button', { name: 'Rewrite your reflection' }).click();
    await e.page.getByLabel('What did you learn?').fill('To ask for feedback early');
    await e.page.getByRole('button', { name: 'Save reflection' }).click();
    await e.page.getByTestId('status-message').getByText('Your reflection is saved.').waitFor();
    assert.match(await read(e.page.getByTestId('reflections')), /To ask for feedback early/);
    await narrow('closed');
    await eshot('closed');

    // The partner's profile, from the workspace.
    await e.page.getByTestId('member-profile').click();
    await e.page.getByRole('heading', { level: 1, name: 'Maya Mentor' }).waitFor();
    await e.page.getByText('English').first().waitFor();
    await narrow('partner profile');
    await eshot('partner-profile');
    assertClean(e.problems);
    assertClean(m.problems);
  } catch (err) {
    await eshot('FAILED').catch(() => {});
    await mshot('FAILED').catch(() => {});
    throw err;
  } finally {
    await e.context.close();
    await m.context.close();
  }
});

test('the coordinator: what waits at home, the programs she coordinates, a proposal edited by hand', { skip: SKIP }, async () => {
  await join(admin1, 'Omar Mentor', 'mentor', { profile: speaks({ expertise: ['sql', 'go'] }), capacity: 1 });
  await join(admin1, 'Pia Mentor', 'mentor', { profile: speaks({ expertise: ['go'] }), capacity: 1 });
  await join(admin1, 'Ana Mentee', 'mentee', { profile: speaks({ development_needs: ['go'] }) });
  await join(admin1, 'Ben Mentee', 'mentee', { profile: speaks({ development_needs: ['sql'] }) });
  await join(admin1, 'Ned Untrained', 'mentee', { profile: speaks({ development_needs: ['sql'] }), train: false });
  await join(admin1, 'Ivy Applicant', 'mentee', { profile: speaks(), train: false, approve: false });
  for (const width of [1280, 375]) {
    const { context, page, problems } = await openPage(browser, { width, height: 900 });
    const shot = screenshots(page, `coordinator-${width}`);
    try {
      await signIn(page, coord.email, coord.password);
      const card = page.getByTestId('my-programs').locator('li.card').filter({ hasText: admin1.name });
      const counts = card.getByTestId('program-counts');
      await counts.waitFor();
      const text = await read(counts);
      assert.match(text, /1 application to review/);
      assert.match(text, /2 approved mentees without a mentor/);
      assert.match(text, /1 mentee waiting to complete training/);
      assert.match(text, /Relationships:\s*1 completed/);
      assert.equal(await overflowX(page), null, 'home');
      await shot('home');
      if (width === 375) {
        await counts.getByRole('link', { name: '1 application to review' }).click();
        await page.waitForURL(/\/participants\?status=applied$/);
        await page.getByText('Ivy Applicant').first().waitFor();
        await shot('applications');
        continue;
      }

      // The Relationships menu: the programs she coordinates, not her own empty list.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Relationships' }).click();
      await page.getByRole('heading', { level: 1, name: 'Relationships' }).waitFor();
      const coordinated = page.getByTestId('coordinated-programs');
      await coordinated.getByRole('link', { name: admin1.name }).waitFor();
      assert.match(await read(coordinated), /1 completed/);
      assert.equal(await page.getByText('You have no mentoring relationship yet').count(), 0);
      await shot('relationships-menu');

      // From home to matching; a proposal, then a pair removed by hand.
      await page.goto('/');
      await counts.getByRole('link', { name: '2 approved mentees without a mentor' }).click();
      await page.getByRole('heading', { level: 1, name: 'Matching' }).waitFor();
      await page.getByRole('button', { name: 'Run matching' }).click();
      await page.waitForURL(/\/match-runs\/\d+$/);
      const quality = page.getByTestId('quality');
      await quality.waitFor();
      assert.match(await read(quality), /Pairs\s*2/);
      assert.match(await read(quality), /Unmatched mentees\s*0/);
      assert.match(await read(quality), /Optimal\s*Yes, proven/);
      const left = page.getByTestId('not-in-run');
      assert.match(await read(left), /Ned Untrained\s*Mentee\s*has not completed training, which this program requires before matching/);
      assert.doesNotMatch(await read(left), /Ivy Applicant/);
      // The picker offers mentors with a place left (which ones depends on the
      // engine's choice among equal scores) and no mentee left out of the run.
      assert.match(await page.getByLabel('Mentor', { exact: true }).textContent(), /Mentor \((1 place|2 places) free\)/);
      assert.doesNotMatch(await page.getByLabel('Mentee', { exact: true }).textContent(), /Ned Untrained/);
      await shot('proposal');
      const engineTotal = (await read(quality)).match(/Total score\s*([\d.]+)/)[1];
      await page.getByRole('button', { name: /^Remove Ana Mentee/ }).click();
      await page.getByTestId('status').getByText(/Removed Ana Mentee/).waitFor();
      assert.match(await read(quality), /Pairs\s*1/);
      assert.match(await read(quality), /Unmatched mentees\s*1/);
      assert.match(await read(quality), /Mentor places used\s*1 of 4/);
      assert.match(await read(quality), /Optimal\s*No: edited by hand/);
      assert.match(await read(quality), new RegExp(`Engine's total\\s*${engineTotal}`));
      const note = await read(page.getByTestId('edited-note'));
      assert.match(note, /no longer the engine's proven optimum/);
      assert.match(note, new RegExp(`the engine's total score was ${engineTotal}`));
      assert.match(await read(page.getByTestId('unmatched')), /Ana Mentee: removed from this proposal by hand/);
      assert.match(await page.getByLabel('Mentee', { exact: true }).textContent(), /Ana Mentee/);
      await page.getByRole('button', { name: 'Publish…' }).click();
      assert.match(await read(page.getByTestId('publish-dialog')), /changed by hand: it is not the engine's proven optimum/);
      await shot('proposal-edited');
      await page.getByTestId('publish-dialog').getByRole('button', { name: 'Cancel' }).click();
      assertClean(problems);
    } catch (err) {
      await shot('FAILED').catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  }
  // The edited proposal at phone width.
  const { context, page, problems } = await openPage(browser, { width: 375, height: 800 });
  try {
    await signIn(page, coord.email, coord.password);
    const runs = await coordApi('GET', `/programs/${admin1.id}/match-runs`);
    await page.goto(`/match-runs/${runs.body.items[0].id}`);
    await page.getByTestId('edited-note').waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await overflowX(page), null, 'edited proposal');
    await screenshots(page, 'coordinator-375-proposal')('edited');
    assertClean(problems);
  } finally {
    await context.close();
  }
});

test('a mentee finds a mentor: what is missing, who asks, and a matched mentee told so', { skip: SKIP }, async () => {
  const mentor = await join(self1, 'Fatima Mentor', 'mentor', { profile: speaks({ expertise: ['sql'], headline: 'Data lead' }), capacity: 1, train: false });
  sql(`UPDATE people SET department = 'Finance' WHERE id = ${mentor.id}`);
  const mentee = await join(self1, 'Gus Mentee', 'mentee', {
    profile: { development_needs: ['sql'], headline: 'Analyst, new to data engineering' },
    answers: { hope: 'Design a warehouse' },
    train: false,
  });
  const e = await openPage(browser, { width: 375, height: 800 });
  const m = await openPage(browser);
  const eshot = screenshots(e.page, 'find-mentee');
  const mshot = screenshots(m.page, 'find-mentor');
  const narrow = async (what) => assert.equal(await overflowX(e.page), null, what);
  try {
    await signIn(e.page, mentee.email, mentee.password);
    await e.page.goto(`/programs/${self1.id}/mentors`);
    const missing = e.page.getByTestId('rec-missing');
    await missing.waitFor();
    assert.match(await read(missing), /the program needs the languages you speak to match you with anyone/);
    assert.equal(await e.page.getByText('No mentor has a free place right now').count(), 0);
    await narrow('missing');
    await eshot('missing-languages');

    // The link leads to the profile; the languages are added there.
    await missing.getByRole('link', { name: /Add the languages you speak to your profile/ }).click();
    await e.page.getByRole('heading', { level: 1, name: /Your profile as mentee/ }).waitFor();
    await e.page.getByLabel(/^Languages/).fill('English');
    await e.page.getByRole('button', { name: /Save profile/ }).click();
    await e.page.getByText(/saved/i).first().waitFor();
    await e.page.goto(`/programs/${self1.id}/mentors`);
    const cards = e.page.getByTestId('recommendations');
    await cards.waitFor();
    const card = cards.locator('li').filter({ hasText: 'Fatima Mentor' });
    assert.match(await read(card), /Department\s*Finance/);
    await narrow('recommendations');
    await eshot('recommendations');
    await card.getByRole('button', { name: /^Choose/ }).click();
    await e.page.getByLabel(/^Message to the mentor/).fill('Your talk on warehouses made me want to learn this.');
    await e.page.getByRole('button', { name: 'Send request' }).click();
    await e.page.getByTestId('pending-request').waitFor();

    // The mentor reads who asks before answering.
    await signIn(m.page, mentor.email, mentor.password);
    await m.page.goto(`/programs/${self1.id}/requests`);
    const requester = m.page.getByTestId('requester-card');
    await requester.waitFor();
    const who = await read(requester);
    assert.match(who, /Analyst, new to data engineering/);
    assert.match(who, /What do you hope to learn\?\s*Design a warehouse/);
    assert.match(who, /Development needs\s*sql|sql/);
    assert.match(await read(m.page.getByTestId('inbox')), /Why they chose you\s*Your talk on warehouses/);
    await mshot('inbox');
    await m.page.getByRole('button', { name: /^Accept/ }).click();
    await m.page.getByTestId('status').getByText(/You are now Gus Mentee's mentor/).waitFor();

    // The matched mentee is told they have their mentor, not to get approved.
    await e.page.reload();
    const refused = e.page.getByTestId('rec-refused');
    await refused.waitFor();
    assert.match(await read(refused), /You have the mentor you asked for/);
    assert.doesNotMatch(await read(refused), /approved/);
    await refused.getByRole('link', { name: 'Open My relationships' }).click();
    await e.page.getByRole('heading', { level: 1, name: 'My relationships' }).waitFor();
    await e.page.getByTestId('relationships').getByRole('link', { name: 'Fatima Mentor & Gus Mentee' }).waitFor();
    await narrow('my relationships');
    await eshot('matched');
    assertClean(e.problems);
    assertClean(m.problems);
  } catch (err) {
    await eshot('FAILED').catch(() => {});
    await mshot('FAILED').catch(() => {});
    throw err;
  } finally {
    await e.context.close();
    await m.context.close();
  }
});

test('the wizard asks for the renewal window and promises only the flagging the reminders do', { skip: SKIP }, async () => {
  const { context, page, problems } = await openPage(browser);
  const shot = screenshots(page, 'wizard-renewal');
  const next = async (step) => {
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('wizard-step').filter({ hasText: `Step ${step} of 9` }).waitFor();
  };
  try {
    await signIn(page, coord.email, coord.password);
    await page.goto('/programs/new');
    const name = unique('Renewal window');
    await page.getByLabel('Program name').fill(name);
    for (let step = 2; step <= 5; step++) await next(step);
    // The one flag promised is the reminders' (test_reminders.py checks it happens).
    const text = await read(page.locator('main'));
    assert.equal((text.match(/flagged/g) || []).length, 1);
    assert.match(text, /With 2 meetings a month, a pair that has held no meeting for 15 days is nudged \(unless one is planned\); after 30 days the coordinators are told and the relationship is flagged at risk\./);
    await page.getByText(/each pair's partnership agreement starts from it/).waitFor();
    await shot('meetings');
    await next(6);
    await next(7);
    const window = page.getByRole('spinbutton', { name: /Renewal offered/ });
    assert.equal(await window.inputValue(), '30');
    await window.fill('0');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#f-renewal-window-days-error').waitFor();
    await window.fill('21');
    await shot('duration');
    await next(8);
    await next(9);
    await page.getByRole('button', { name: 'Create program' }).click();
    await page.waitForURL(/\/programs\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const p = await coordApi('GET', `/programs/${id}`);
    assert.equal(p.body.renewal_window_days, 21);
    assertClean(problems);
  } catch (err) {
    await shot('FAILED').catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
});
