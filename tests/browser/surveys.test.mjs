// Surveys and following relationships (issue 12): a mentee answers a
// survey from the home page by keyboard alone, a mentor on a phone; the
// coordinator adds a built-in survey, writes one in the editor and reads
// the results with their charts; a viewer meets "too few responses"; a
// low health check puts the pair on the at-risk list, where the
// coordinator writes a note, nudges, and agrees to a rematch shown on the
// matching page - at desktop and at 375 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  OUT,
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
} from './lib.mjs';

let browser;
let admin;
let program;
let people;
let rel;
let named;
let anonymous;

const QUESTIONS = [
  { id: 'useful', kind: 'likert', label: 'The relationship is useful to me', required: true },
  { id: 'recommend', kind: 'nps', label: 'How likely are you to recommend the program?', required: true },
  { id: 'best', kind: 'single', label: 'What helps most?', options: ['Goals', 'Our talks', 'The network'] },
  { id: 'areas', kind: 'multi', label: 'Where have you grown?', options: ['Career', 'Skills', 'Confidence'] },
  { id: 'more', kind: 'text', label: 'Anything else?' },
];

before(async () => {
  if (SKIP) return;
  browser = await launch();
  admin = await apiSession();
  let r = await admin('POST', '/programs', {
    name: unique('Followed mentoring'),
    status: 'enrolling',
    selection: { access: 'open', questions: [] },
    training: { required_before_matching: false, modules: [] },
    matching: { mode: 'admin', criteria: [{ name: 'skills', kind: 'overlap', mentee_field: 'development_needs', mentor_field: 'expertise', weight: 1 }] },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  program = r.body;
  people = {};
  for (const [key, name, role, profile] of [
    ['mentor', 'Mira Mentor', 'mentor', { expertise: ['sql'] }],
    ['mentee', 'Emma Mentee', 'mentee', { development_needs: ['sql'] }],
    ['other', 'Omar Mentor', 'mentor', { expertise: ['sql'] }],
    ['viewer', 'Vera Viewer', null, null],
  ]) {
    const p = await makePerson(admin, name);
    if (role) {
      const call = await apiSession(p.email, p.password);
      const j = await call('POST', `/programs/${program.id}/participants`, { role, profile });
      assert.equal(j.status, 201, JSON.stringify(j.body));
      p.part = j.body.id;
    } else {
      const v = await admin('POST', `/programs/${program.id}/participants`, { email: p.email, role: 'viewer', invite: false });
      assert.equal(v.status, 201, JSON.stringify(v.body));
    }
    people[key] = p;
  }
  r = await admin('POST', `/programs/${program.id}/relationships`, { mentor: people.mentor.part, mentees: [people.mentee.part] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  rel = r.body;
  r = await admin('POST', `/programs/${program.id}/surveys`, { title: 'How is it going?', trigger: { on: 'manual' }, questions: QUESTIONS });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  named = r.body;
  r = await admin('POST', `/surveys/${named.id}/send`);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin('POST', `/programs/${program.id}/surveys`, {
    title: 'Program pulse', anonymous: true, trigger: { on: 'manual' }, questions: QUESTIONS.filter((q) => q.kind !== 'text'),
  });
  anonymous = r.body;
  await admin('POST', `/surveys/${anonymous.id}/send`);
});

after(async () => {
  await browser?.close();
});

test('a mentee answers a survey from the home page by keyboard alone', { skip: SKIP }, async () => {
  const { context, page, problems } = await openPage(browser);
  const shot = screenshots(page, 'surveys-answer-desktop');
  await signIn(page, people.mentee.email, people.mentee.password);
  const due = page.getByTestId('due');
  await due.getByRole('link', { name: 'How is it going?' }).waitFor();
  await shot('home-waiting');
  await due.getByRole('link', { name: 'How is it going?' }).click();
  await page.getByRole('heading', { name: 'How is it going?' }).waitFor();
  // Sent by hand to the whole program: about the program, not one relationship.
  assert.doesNotMatch(await page.textContent('main'), /About your relationship/);
  assert.match(await page.textContent('main'), /Your program coordinator reads your answers/);

  // Sent empty: every required question is named, nothing is sent.
  await page.getByRole('button', { name: 'Send my answers' }).press('Enter');
  await page.getByRole('alert').filter({ hasText: 'Please check the form' }).waitFor();
  assert.match(await page.textContent('#f-answers-useful'), /Answer this question/);
  assert.match(await page.textContent('#f-answers-recommend'), /Answer this question/);
  await shot('required');

  // The keyboard alone: arrows move within a scale, space ticks a box.
  await page.focus('#f-answers-useful--1');
  await page.keyboard.press('Space');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.isChecked('#f-answers-useful--4'), true);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-answers-recommend--0');
  await page.keyboard.press('Space');
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.isChecked('#f-answers-recommend--9'), true);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.isChecked('#f-answers-best--1'), true);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space'); // Career
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space'); // Confidence
  await page.keyboard.press('Tab');
  await page.keyboard.type('Thanks for the talks.');
  await shot('filled');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByTestId('answered').waitFor();
  await shot('answered');

  // It is in, with exactly these answers; it is gone from the home page.
  const r = await admin('GET', `/surveys/${named.id}/responses`);
  assert.deepEqual(r.body.items[0].answers, { useful: 4, recommend: 9, best: 'Our talks', areas: ['Career', 'Confidence'], more: 'Thanks for the talks.' });
  await page.goto('/');
  await page.getByRole('heading', { name: 'Your programs' }).waitFor();
  const waiting = await page.getByTestId('due').getByRole('link', { name: 'How is it going?' }).count();
  assert.equal(waiting, 0);
  await page.goto(`/surveys/${named.id}`);
  await page.getByTestId('nothing-to-answer').waitFor();
  assertClean(problems);
  await context.close();
});

test('a mentor answers on a phone, 375 px wide', { skip: SKIP }, async () => {
  const { context, page, problems } = await openPage(browser, { width: 375, height: 800 });
  const shot = screenshots(page, 'surveys-answer-phone');
  await signIn(page, people.mentor.email, people.mentor.password);
  await page.getByTestId('due').getByRole('link', { name: 'Program pulse' }).click();
  await page.getByRole('heading', { name: 'Program pulse' }).waitFor();
  assert.match(await page.textContent('main'), /Anonymous:/);
  await assertNoOverflowX(page, 'the survey form on a phone');
  await shot('form');
  await page.click('label[for="f-answers-useful--5"]');
  await page.click('label[for="f-answers-recommend--10"]');
  await page.getByLabel('The network').check();
  await page.getByLabel('Skills').check();
  await shot('filled');
  await page.getByRole('button', { name: 'Send my answers' }).click();
  await page.getByTestId('answered').waitFor();
  assert.match(await page.textContent('[data-testid="answered"]'), /anonymous/);
  await shot('answered');
  assertClean(problems);
  await context.close();
});

test('the coordinator adds and writes surveys and reads their results; a viewer sees too few', { skip: SKIP }, async () => {
  for (const width of [1280, 375]) {
    const { context, page, problems } = await openPage(browser, { width, height: 900 });
    const shot = screenshots(page, `surveys-coordinator-${width}`);
    await signIn(page);
    await page.goto(`/programs/${program.id}`);
    await page.getByRole('navigation', { name: 'Following the relationships' }).getByRole('link', { name: 'Surveys' }).click();
    await page.getByRole('heading', { name: 'Surveys', level: 1 }).waitFor();
    await page.getByTestId('templates').waitFor();
    await shot('list');
    if (width === 1280) {
      const card = page.getByTestId('templates').getByRole('listitem').filter({ hasText: 'Is this a good match?' });
      await card.getByRole('button', { name: 'Add and switch on' }).click();
      await page.getByText('“Is this a good match?” added and switched on.').waitFor();

      // A new survey in the editor: a refusal is shown at its field first.
      await page.getByRole('link', { name: 'New survey' }).click();
      await page.getByRole('heading', { name: 'New survey' }).waitFor();
      await page.getByLabel('Title').fill('Quick pulse');
      await page.getByRole('button', { name: 'Add the survey' }).click();
      await page.locator('.has-error').filter({ hasText: 'Write the question' }).waitFor();
      await page.locator('#f-questions-0-label').fill('Our meetings are well prepared');
      await page.getByRole('button', { name: 'Add a question' }).click();
      await page.locator('#f-questions-1-label').fill('Which meeting mode works best?');
      await page.locator('#f-questions-1-kind').selectOption('single');
      await page.locator('#f-questions-1-options-0').fill('Video');
      await page.locator('#f-questions-1-options-1').fill('In person');
      await page.locator('#f-trigger-on').selectOption('relationship_started');
      await shot('editor');
      await page.getByRole('button', { name: 'Add the survey' }).click();
      await page.getByRole('heading', { name: 'Quick pulse' }).waitFor();
      const list = await admin('GET', `/programs/${program.id}/surveys`);
      const made = list.body.items.find((s) => s.title === 'Quick pulse');
      assert.deepEqual(made.trigger, { on: 'relationship_started', after_days: 30, every_days: 60, times: 0 });
      assert.deepEqual(made.questions[1].options, ['Video', 'In person']);
    }

    // The named survey's results: figures, a chart per question, each answer.
    await page.goto(`/surveys/${named.id}/results`);
    await page.getByRole('heading', { name: 'Results: How is it going?' }).waitFor();
    assert.equal(await page.getByTestId('suppressed').count(), 0);
    assert.match(await page.textContent('[data-testid="mean-useful"]'), /4\.0/);
    assert.match(await page.textContent('[data-testid="nps-recommend"]'), /100/);
    await page.locator('.survey-chart canvas').first().waitFor();
    assert.ok((await page.locator('.survey-chart').count()) >= 4);
    assert.match(await page.textContent('[data-testid="responses"]'), /Emma Mentee/);
    await assertNoOverflowX(page, 'the results');
    await shot('results');
    // The anonymous one: 1 response, under the threshold of 5.
    await page.goto(`/surveys/${anonymous.id}/results`);
    await page.getByTestId('suppressed').waitFor();
    assert.equal(await page.locator('.survey-chart').count(), 0);
    await shot('anonymous-suppressed');
    assertClean(problems);
    await context.close();
  }

  const { context, page, problems } = await openPage(browser, { width: 375, height: 800 });
  const shot = screenshots(page, 'surveys-viewer-375');
  await signIn(page, people.viewer.email, people.viewer.password);
  await page.goto(`/programs/${program.id}/surveys`);
  await page.getByTestId('surveys').waitFor();
  assert.equal(await page.getByRole('link', { name: 'New survey' }).count(), 0);
  await page.getByTestId('surveys').getByRole('link', { name: 'Program pulse' }).click();
  await page.getByTestId('suppressed').waitFor();
  assert.match(await page.textContent('[data-testid="suppressed"]'), /Too few responses to show/);
  await shot('suppressed');
  // A named survey's answers are not for a viewer: aggregates only, and few.
  await page.goto(`/surveys/${named.id}/results`);
  await page.getByTestId('suppressed').waitFor();
  assert.equal(await page.getByTestId('responses').count(), 0);
  assertClean(problems);
  await context.close();
});

test('a low health check puts the pair on the at-risk list; note, nudge and rematch', { skip: SKIP }, async () => {
  // The mentee rates the relationship in the workspace, on a phone.
  {
    const { context, page, problems } = await openPage(browser, { width: 375, height: 800 });
    const shot = screenshots(page, 'health-mentee-375');
    await signIn(page, people.mentee.email, people.mentee.password);
    await page.goto(`/relationships/${rel.id}/health`);
    await page.getByTestId('health-form').waitFor();
    await assertNoOverflowX(page, 'the health check on a phone');
    await page.getByRole('button', { name: 'Save the health check' }).click();
    await page.getByRole('alert').first().waitFor();
    assert.match(await page.textContent('#f-ratings-listening'), /Rate listening/);
    for (const [key, v] of Object.entries({
      articulation: 4, listening: 2, respect: 4, goal_clarity: 3, challenge: 4, self_awareness: 4,
      commitment_to_learning: 4, reflection_and_preparation: 1,
    }))
      await page.click(`label[for="f-ratings-${key.replace(/_/g, '-')}--${v}"]`);
    await page.getByLabel('Comment').fill('We keep postponing.');
    await shot('filled');
    await page.getByRole('button', { name: 'Save the health check' }).click();
    await page.getByText('Health check saved.').waitFor();
    await page.getByTestId('health-history').waitFor();
    assert.match(await page.textContent('[data-testid="health-history"]'), /We keep postponing/);
    await shot('history');
    await page.getByTestId('health').screenshot({ path: `${OUT}/health-mentee-375-03-section.png` });
    assertClean(problems);
    await context.close();
  }
  // The mentor says it is not a good match (the pairing-fit survey asked after a meeting).
  const fit = (await admin('GET', `/programs/${program.id}/surveys`)).body.items.find((s) => s.purpose === 'pairing_fit');
  assert.ok(fit, 'the pairing fit was added');
  const mentor = await apiSession(people.mentor.email, people.mentor.password);
  const mt = await mentor('POST', `/relationships/${rel.id}/meetings`, {
    starts_at: new Date(Date.now() - 2 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'), duration_minutes: 30, mode: 'video',
  });
  await mentor('PATCH', `/relationships/${rel.id}/meetings/${mt.body.id}`, { recap: { discussed: 'First talk' } });

  for (const width of [1280, 375]) {
    const { context, page, problems } = await openPage(browser, { width, height: 900 });
    const shot = screenshots(page, `at-risk-${width}`);
    await signIn(page);
    await page.goto(`/programs/${program.id}`);
    await page.getByRole('link', { name: 'At risk', exact: true }).click();
    await page.getByRole('heading', { name: 'Relationships at risk' }).waitFor();
    const item = page.getByTestId('at-risk-item').filter({ hasText: 'Emma Mentee' });
    await item.waitFor();
    const low = item.locator('[data-code="low_rating"]');
    assert.match(await low.textContent(), /the mentee \(Emma Mentee\) rated Listening 2, Reflection and preparation 1/);
    await assertNoOverflowX(page, 'the at-risk list');
    await shot('list');
    if (width === 1280) {
      await item.getByRole('button', { name: /^Note/ }).click();
      await page.getByLabel('A note for the coordinators').fill('Called Emma: schedules clash.');
      await item.getByRole('button', { name: 'Save the note' }).click();
      await item.getByText('Note saved.').waitFor();
      assert.match(await item.textContent(), /Called Emma: schedules clash\./);
      await item.getByRole('button', { name: 'Nudge', exact: true }).click();
      await page.getByLabel('Your words to the pair (optional)').fill('Could you book your next meeting this week?');
      await item.getByRole('button', { name: 'Send the nudge' }).click();
      await item.getByText('Nudge mailed to 2 people.').waitFor();
      await shot('note-and-nudge');
      const mail = await admin('GET', `/outbox?to=${encodeURIComponent(people.mentee.email)}`);
      assert.ok(mail.body.items.some((m) => m.kind === 'nudge' && m.body.includes('book your next meeting')));
    }
    assertClean(problems);
    await context.close();
  }

  // The survey-triggers job asks the pairing fit after the meeting held.
  const { spawnSync } = await import('node:child_process');
  const run = spawnSync(process.env.TANDEM_BIN || 'tandem', ['jobs', '--db', process.env.TANDEM_DB, '--once'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const answered = await mentor('POST', `/surveys/${fit.id}/responses`, { answers: { good_match: 'No', why: 'Our fields are too far apart' } });
  assert.equal(answered.status, 201, JSON.stringify(answered.body));

  const { context, page, problems } = await openPage(browser);
  const shot = screenshots(page, 'rematch-desktop');
  await signIn(page);
  await page.goto(`/programs/${program.id}/at-risk`);
  const item = page.getByTestId('at-risk-item').filter({ hasText: 'Emma Mentee' });
  await item.locator('[data-code="pairing_fit"]').waitFor();
  assert.match(await item.locator('[data-code="pairing_fit"]').textContent(), /Our fields are too far apart/);
  await item.getByRole('button', { name: 'Agree and rematch' }).click();
  await page.getByLabel('Why (optional, the pair reads it)').fill('Different fields');
  await shot('agree');
  await item.getByRole('button', { name: 'End it and rematch' }).click();
  await page.getByTestId('at-risk-notice').waitFor();
  assert.equal(await page.getByTestId('at-risk-item').filter({ hasText: 'Emma Mentee' }).count(), 0);
  await page.getByRole('link', { name: 'Matching and the rematch queue' }).click();
  const queued = page.getByTestId('rematch-item').filter({ hasText: 'Emma Mentee' });
  await queued.waitFor();
  assert.match(await queued.textContent(), /the pairing did not fit \(with Mira Mentor\)/);
  await shot('queue');
  assertClean(problems);
  await context.close();
});
