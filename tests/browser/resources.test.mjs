// The help library and recognition, walked in Chromium: a coordinator
// edits the library at desktop and phone width (a refused unsafe link shown
// at its field, adding, editing, ordering, retiring, hiding a starter
// article); the mentee on a phone finds the current phase's resources in
// the workspace, opens one (recorded), and after completion sees the badges
// on the profile and downloads the certificate, whose text names them; the
// mentor sends kudos and the coordinator highlights the relationship.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  SKIP,
  PASSWORD,
  apiSession,
  assertClean,
  assertNoOverflowX,
  createPerson,
  launch,
  openPage,
  screenshots,
  signIn,
  unique,
} from './lib.mjs';

let browser;
let admin;
let coordinator;
let mentor;
let mentee;
let program;
let rel;
let parts;

const day = (days) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
const email = (who) => `${who}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.org`;

before(async () => {
  if (SKIP) return;
  browser = await launch();
  admin = await apiSession();
  coordinator = await createPerson(admin, { email: email('cora'), name: 'Cora Ordinator', siteRole: 'coordinator' });
  mentor = await createPerson(admin, { email: email('maya'), name: 'Maya Okafor' });
  mentee = await createPerson(admin, { email: email('li'), name: '王小明 Li Wei' });
  const asCoord = await apiSession(coordinator.email, PASSWORD);
  const r = await asCoord('POST', '/programs', {
    name: unique('Library program'),
    selection: { access: 'open', questions: [] },
    training: { required_before_matching: false, modules: [] },
    phases: { template: 'rapport' },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  program = r.body;
  parts = {};
  for (const [who, role] of [[mentor, 'mentor'], [mentee, 'mentee']]) {
    const call = await apiSession(who.email, PASSWORD);
    const p = await call('POST', `/programs/${program.id}/participants`, { role });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    parts[role] = p.body.id;
  }
  const made = await asCoord('POST', `/programs/${program.id}/relationships`, { mentor: parts.mentor, mentees: [parts.mentee] });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  rel = made.body;
});

after(async () => {
  await browser?.close();
});

for (const [width, label] of [
  [1280, 'desktop'],
  [375, 'phone'],
]) {
  test(`a coordinator edits the library (${label})`, { skip: SKIP }, async () => {
    const { context, page, problems } = await openPage(browser, { width, height: 900 });
    const shot = screenshots(page, `library-coordinator-${label}`);
    try {
      await signIn(page, coordinator.email, PASSWORD);
      await page.goto(`/programs/${program.id}`);
      await page.getByRole('link', { name: 'Resources', exact: true }).click();
      await page.getByRole('heading', { name: 'Resources', level: 1 }).waitFor();
      // The starter articles are in every program's library.
      await page.getByRole('link', { name: 'Setting direction: questions to ask' }).waitFor();
      await shot('library');
      await assertNoOverflowX(page, `the library at ${width} px`);

      // An unsafe link is refused at its field.
      await page.getByRole('button', { name: 'New resource' }).click();
      const editor = page.getByTestId('resource-editor');
      const title = `Welcome pack ${label}`;
      await editor.getByLabel('Title').fill(title);
      await editor.getByLabel('Link (optional)').fill('javascript:alert(1)');
      await editor.getByRole('checkbox', { name: 'Building rapport' }).check();
      await editor.getByLabel('Topics (optional)').fill('onboarding, team');
      await editor.getByRole('button', { name: 'Add to the library' }).click();
      await editor.locator('#f-resource-url-error').waitFor();
      assert.match(await editor.locator('#f-resource-url-error').innerText(), /http:\/\/ or https:\/\//);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-resource-url');
      await shot('refused-link');
      await editor.getByLabel('Link (optional)').fill('');
      await editor.getByLabel('Article (optional)').fill('# Welcome\n\nCoffee is on **floor 3**. Ask for *Ana* at the desk.');
      await editor.getByRole('button', { name: 'Add to the library' }).click();
      await page.getByText(`Added “${title}”.`).waitFor();
      const card = page.getByTestId('resource').filter({ hasText: title });
      await card.getByText('onboarding').waitFor();

      // Edit it, move it up, retire it, show the retired, restore it.
      await card.getByRole('button', { name: `Edit “${title}”` }).click();
      await page.getByTestId('resource-editor').getByLabel('Title').fill(`${title} (edited)`);
      await page.getByTestId('resource-editor').getByRole('button', { name: 'Save changes' }).click();
      await page.getByText(`Saved “${title} (edited)”.`).waitFor();
      const edited = page.getByTestId('resource').filter({ hasText: `${title} (edited)` });
      if (label === 'phone') {
        // The desktop run added one before: this one moves above it.
        await edited.getByRole('button', { name: `Up “${title} (edited)”` }).click();
        await page.getByText(`Moved “${title} (edited)” up.`).waitFor();
        const first = await page.getByTestId('resource').first().innerText();
        assert.match(first, new RegExp(`${title} \\(edited\\)`));
      }
      await edited.getByRole('button', { name: `Retire “${title} (edited)”` }).click();
      await page.getByText(`Retired “${title} (edited)”: nobody sees it now.`).waitFor();
      assert.equal(await page.getByTestId('resource').filter({ hasText: `${title} (edited)` }).count(), 0);
      await page.getByLabel('Show retired and hidden').check();
      await page.getByTestId('resource').filter({ hasText: `${title} (edited)` }).getByText('Retired').waitFor();
      await shot('retired-shown');
      await page.getByRole('button', { name: `Restore “${title} (edited)”` }).click();
      await page.getByText(`Restored “${title} (edited)”.`).waitFor();
      await page.getByLabel('Show retired and hidden').uncheck();

      // The article page renders the Markdown.
      await page.getByRole('link', { name: `${title} (edited)` }).click();
      await page.getByRole('heading', { name: `${title} (edited)`, level: 1 }).waitFor();
      assert.equal(await page.locator('.prose strong').innerText(), 'floor 3');
      await shot('article');
      await assertNoOverflowX(page, `an article at ${width} px`);
      assertClean(problems);
    } finally {
      await context.close();
    }
  });
}

test('the mentee finds the phase’s resources, then badges and the certificate (phone)', { skip: SKIP }, async () => {
  const { context, page, problems } = await openPage(browser, { width: 375, height: 812 });
  const shot = screenshots(page, 'library-mentee-phone');
  try {
    await signIn(page, mentee.email, PASSWORD);
    await page.goto(`/relationships/${rel.id}`);
    const section = page.getByTestId('ws-resources');
    await section.getByText('For this phase: Building rapport').waitFor();
    // The rapport model's first phase names "What mentoring is and is not".
    const first = section.getByTestId('ws-resources-current').getByRole('link').first();
    assert.equal(await first.innerText(), 'What mentoring is and is not');
    await section.scrollIntoViewIfNeeded();
    await shot('workspace-resources');
    await assertNoOverflowX(page, 'the workspace at 375 px');
    await first.click();
    await page.getByRole('heading', { name: 'What mentoring is and is not', level: 1 }).waitFor();
    await page.getByText('Not therapy.').waitFor();
    await shot('article');
    await page.goBack();
    await section.getByText('Opened').first().waitFor();
    const asCoord = await apiSession(coordinator.email, PASSWORD);
    const starter = (await asCoord('GET', `/programs/${program.id}/resources`)).body.items.find((r) => r.title === 'What mentoring is and is not');
    assert.equal(starter.people >= 1, true, 'the open is recorded');

    // The pair meets; the mentee proposes closing, the mentor confirms.
    const asMentor = await apiSession(mentor.email, PASSWORD);
    const asMentee = await apiSession(mentee.email, PASSWORD);
    const m = await asMentor('POST', `/relationships/${rel.id}/meetings`, { starts_at: `${day(-1)}T09:00:00Z`, duration_minutes: 75 });
    assert.equal(m.status, 201, JSON.stringify(m.body));
    assert.equal((await asMentee('PATCH', `/relationships/${rel.id}/meetings/${m.body.id}`, { recap: { discussed: 'Goals' } })).status, 200);
    const cur = await asMentee('GET', `/relationships/${rel.id}`);
    const proposed = await asMentee('PATCH', `/relationships/${rel.id}`, { action: 'close', version: cur.body.version, reflection: { learned: 'Plan the week.' } });
    assert.equal(proposed.body.status, 'closing', JSON.stringify(proposed.body));
    const closed = await asMentor('PATCH', `/relationships/${rel.id}`, { action: 'close', version: proposed.body.version, reflection: { learned: 'Listen first.' } });
    assert.equal(closed.body.status, 'completed', JSON.stringify(closed.body));

    // Badges on the profile.
    await page.goto(`/programs/${program.id}/participants/${parts.mentee}`);
    const badges = page.getByTestId('badges');
    await badges.getByText('First meeting', { exact: true }).waitFor();
    await badges.getByText('1 hour of mentoring', { exact: true }).waitFor();
    await badges.getByText('Relationship completed', { exact: true }).waitFor();
    await badges.scrollIntoViewIfNeeded();
    await shot('badges');
    await assertNoOverflowX(page, 'the profile at 375 px');

    // The certificate from the workspace.
    await page.goto(`/relationships/${rel.id}/recognition`);
    const link = page.getByTestId('certificate-link');
    await link.waitFor();
    await shot('certificate-link');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.match(download.suggestedFilename(), /^certificate-\d+-\d+\.pdf$/);
    const file = await download.path();
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert.match(text, /Certificate of completion/);
    assert.ok(text.includes('王小明 Li Wei'), text);
    assert.ok(text.includes(program.name), text);
    assert.ok(text.includes('1 hour and 15 minutes of mentoring in 1 meeting'), text);
    execFileSync('pdftoppm', ['-png', '-r', '50', '-singlefile', file, `${process.env.TEST_OUTPUT || 'test-output'}/library-mentee-phone-certificate`]);
    assertClean(problems);
  } finally {
    await context.close();
  }
});

test('kudos from the mentor, a highlight from the coordinator (desktop)', { skip: SKIP }, async () => {
  const { context, page, problems } = await openPage(browser, { width: 1280, height: 900 });
  const shot = screenshots(page, 'recognition-desktop');
  try {
    await signIn(page, mentor.email, PASSWORD);
    await page.goto(`/relationships/${rel.id}/recognition`);
    const section = page.getByTestId('ws-recognition');
    await section.getByRole('button', { name: 'Send kudos' }).click();
    await section.locator('#f-kudos-message-error').waitFor();
    await section.getByLabel('Kudos for 王小明 Li Wei').fill('You came to every meeting prepared.');
    await section.getByRole('button', { name: 'Send kudos' }).click();
    await section.getByText('Kudos sent to 王小明 Li Wei; they get an e-mail.').waitFor();
    await section.getByTestId('kudos').getByText('You came to every meeting prepared.').waitFor();
    await shot('kudos');
    const mail = await admin('GET', `/outbox?to=${encodeURIComponent(mentee.email)}`);
    assert.ok(mail.body.items.some((x) => x.kind === 'kudos'), 'the receiver is mailed');
    assertClean(problems);
  } finally {
    await context.close();
  }
  const c = await openPage(browser, { width: 375, height: 812 });
  const shot2 = screenshots(c.page, 'recognition-coordinator-phone');
  try {
    await signIn(c.page, coordinator.email, PASSWORD);
    await c.page.goto(`/relationships/${rel.id}/recognition`);
    const section = c.page.getByTestId('ws-recognition');
    await section.getByLabel('Highlight this relationship as a success').fill('Met every fortnight; a model for the next round.');
    await section.getByRole('button', { name: 'Highlight' }).click();
    await section.getByTestId('highlight').getByText('Met every fortnight').waitFor();
    // The coordinator downloads a member's certificate too.
    await section.getByRole('link', { name: 'Certificate of Maya Okafor (PDF)' }).waitFor();
    await shot2('highlighted');
    await assertNoOverflowX(c.page, 'recognition at 375 px');
    await c.page.goto(`/programs/${program.id}`);
    await c.page.getByTestId('highlights').getByText('Met every fortnight').waitFor();
    await shot2('program-highlights');
    assertClean(c.problems);
  } finally {
    await c.context.close();
  }
});
