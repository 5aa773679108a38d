// Self-matching: a mentee browses recommended mentors, asks one, can
// withdraw and ask again; the mentor accepts in the inbox and the
// relationship appears for both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
let program;
let best;
let other;
let mentee;

before(async () => {
  if (SKIP) return;
  browser = await launch();
  const admin = await apiSession();
  const r = await admin('POST', '/programs', { status: 'enrolling',
    name: unique('Self-matching'),
    selection: { access: 'open', questions: [] },
    training: { required_before_matching: false, modules: [] },
    matching: {
      mode: 'self',
      criteria: [{ name: 'skills', kind: 'overlap', mentee_field: 'development_needs', mentor_field: 'expertise', weight: 1 }],
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  program = r.body;
  best = await makePerson(admin, 'Bea Best');
  other = await makePerson(admin, 'Olly Other');
  mentee = await makePerson(admin, 'Sam Seeker');
  const join = async (who, role, profile) => {
    const s = await apiSession(who.email, who.password);
    const j = await s('POST', `/programs/${program.id}/participants`, { role, profile });
    assert.equal(j.status, 201, JSON.stringify(j.body));
  };
  await join(best, 'mentor', { expertise: ['sql', 'go'], headline: 'Databases and Go', bio: 'Ten years of running databases.' });
  await join(other, 'mentor', { expertise: ['design'] });
  await join(mentee, 'mentee', { development_needs: ['sql', 'go'] });
});

after(async () => {
  await browser?.close();
});

test('a mentee requests a mentor who accepts; the relationship appears', { skip: SKIP }, async () => {
  const e = await openPage(browser, { width: 375, height: 800 });
  const m = await openPage(browser);
  const eshot = screenshots(e.page, 'selfmatch-mentee');
  const mshot = screenshots(m.page, 'selfmatch-mentor');
  try {
    await signIn(e.page, mentee.email, mentee.password);
    await e.page.goto(`/programs/${program.id}`);
    await e.page.getByRole('link', { name: 'Find a mentor' }).click();
    await e.page.getByRole('heading', { level: 1, name: 'Find a mentor' }).waitFor();
    const cards = e.page.getByTestId('recommendations').locator('li.card');
    await cards.first().waitFor();
    assert.match(await cards.first().textContent(), /Bea Best/, 'the best fit comes first');
    assert.match(await cards.first().textContent(), /Fit 1\.00/);
    assert.match(await cards.first().textContent(), /Databases and Go/);
    assert.equal(await overflowX(e.page), null, 'recommendations on a phone');
    await eshot('recommendations');

    // Why this match: the explanation.
    await cards.first().getByRole('button', { name: /Why this match/ }).click();
    await cards.first().getByTestId('explanation').waitFor();
    assert.match(await cards.first().getByTestId('explanation').textContent(), /Skills\s*1\.00/);

    // A ranked list of two, reordered, then withdrawn.
    await cards.nth(1).getByRole('button', { name: /^Choose/ }).click();
    await cards.first().getByRole('button', { name: /^Choose/ }).click();
    const chosen = e.page.getByTestId('chosen');
    assert.deepEqual(await chosen.locator('li > span:first-child').allTextContents(), ['Olly Other', 'Bea Best']);
    await chosen.locator('li', { hasText: 'Bea Best' }).getByRole('button', { name: /^Up/ }).click();
    assert.deepEqual(await chosen.locator('li > span:first-child').allTextContents(), ['Bea Best', 'Olly Other']);
    await e.page.getByLabel(/^Message to the mentor/).fill('I would like to learn how to run databases.');
    await eshot('request-form');
    await e.page.getByRole('button', { name: 'Send request to 2 mentors in order' }).click();
    const pending = e.page.getByTestId('pending-request');
    await pending.waitFor();
    assert.match(await pending.textContent(), /Bea Best has until/);
    assert.match(await pending.textContent(), /Olly Other — asked next if needed/);
    await eshot('pending');
    await pending.getByRole('button', { name: 'Withdraw request' }).click();
    await e.page.getByText('Your request has been withdrawn.').waitFor();
    await e.page.getByTestId('past-requests').getByText('Withdrawn', { exact: true }).waitFor();

    // Ask again, the best fit only.
    await cards.first().getByRole('button', { name: /^Choose/ }).click();
    await e.page.getByLabel(/^Message to the mentor/).fill('Could you help me with SQL and Go?');
    await e.page.getByRole('button', { name: 'Send request' }).click();
    await pending.waitFor();

    // The mentor answers in the inbox.
    await signIn(m.page, best.email, best.password);
    await m.page.goto(`/programs/${program.id}`);
    await m.page.getByRole('link', { name: 'Mentoring requests' }).click();
    await m.page.getByRole('heading', { level: 1, name: 'Mentoring requests' }).waitFor();
    const inbox = m.page.getByTestId('inbox');
    await inbox.waitFor();
    assert.match(await inbox.textContent(), /Sam Seeker/);
    assert.match(await inbox.textContent(), /Could you help me with SQL and Go\?/);
    await m.page.getByLabel(/^Your message to Sam Seeker/).fill('Happy to! Let us meet next week.');
    await mshot('inbox');
    await inbox.locator('li', { hasText: 'Sam Seeker' }).getByRole('button', { name: /^Accept/ }).click();
    await m.page.getByTestId('status').getByText("You are now Sam Seeker's mentor.").waitFor();
    await mshot('accepted');
    await m.page.getByRole('link', { name: 'Open the relationship' }).click();
    await m.page.getByRole('heading', { level: 1, name: 'Bea Best & Sam Seeker' }).waitFor();
    await mshot('workspace');

    // The mentee sees it accepted, and in their relationships.
    await e.page.reload();
    await e.page.getByTestId('past-requests').getByText('Accepted', { exact: true }).waitFor();
    await e.page.getByRole('link', { name: 'Open your relationship' }).waitFor();
    await eshot('accepted');
    await e.page.goto('/relationships');
    const rel = e.page.getByTestId('relationships').locator('li.card');
    await rel.first().waitFor();
    assert.equal(await rel.count(), 1);
    assert.match(await rel.first().textContent(), /Bea Best/);
    assert.match(await rel.first().textContent(), /Active/);
    assert.equal(await overflowX(e.page), null, 'my relationships on a phone');
    await eshot('my-relationships');

    // The mentor pauses and resumes, then ends it early with a reason, without blame.
    await m.page.getByRole('button', { name: 'Pause' }).click();
    await m.page.getByTestId('rel-status').getByText('Paused').waitFor();
    await m.page.getByRole('button', { name: 'Resume' }).click();
    await m.page.getByTestId('rel-status').getByText('Active').waitFor();
    await m.page.getByRole('button', { name: 'End early…' }).click();
    const dialog = m.page.getByTestId('end-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.textContent(), /nobody's fault/);
    await dialog.getByLabel(/^Reason/).fill('My team moved to another site');
    await mshot('end-early');
    await dialog.getByRole('button', { name: 'End relationship' }).click();
    await m.page.getByTestId('rel-status').getByText('Ended early').waitFor();
    await m.page.getByText('This relationship has ended; its workspace is read-only.').waitFor();
    await mshot('ended');
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
