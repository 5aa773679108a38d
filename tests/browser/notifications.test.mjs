// The bell and its count in the shell, the notifications list (an item
// opens its page and is marked read; all marked read), the mail settings
// page, and the unsubscribe page a mail links to, used signed out; the
// program settings' chat alerts. Desktop and 375 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
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
  waitForMail,
} from './lib.mjs';

let browser;
before(async () => {
  if (!SKIP) browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A program with a mentor and a mentee matched, and two messages to the mentor. */
async function pairWithNews(name) {
  const admin = await apiSession();
  const prog = await admin('POST', '/programs', {
    name: unique(name),
    status: 'enrolling',
    selection: { access: 'open', questions: [] },
    training: { required_before_matching: false, modules: [] },
  });
  assert.equal(prog.status, 201, JSON.stringify(prog.body));
  const mentor = await makePerson(admin, 'Bell Mentor');
  const mentee = await makePerson(admin, 'Bell Mentee');
  const asMentor = await apiSession(mentor.email, mentor.password);
  const asMentee = await apiSession(mentee.email, mentee.password);
  const m = await asMentor('POST', `/programs/${prog.body.id}/participants`, { role: 'mentor' });
  const e = await asMentee('POST', `/programs/${prog.body.id}/participants`, { role: 'mentee' });
  const rel = await admin('POST', `/programs/${prog.body.id}/relationships`, { mentor: m.body.id, mentees: [e.body.id] });
  assert.equal(rel.status, 201, JSON.stringify(rel.body));
  for (const body of ['Hello there', 'When shall we meet?']) {
    const r = await asMentee('POST', `/relationships/${rel.body.id}/messages`, { body });
    assert.equal(r.status, 201);
  }
  return { admin, prog: prog.body, rel: rel.body, mentor, mentee, asMentor, asMentee };
}

for (const [label, width] of [
  ['desktop', 1280],
  ['phone', 375],
]) {
  test(`notifications (${label}): the bell counts, an item opens its page and is read, all read`, { skip: SKIP }, async () => {
    const { rel, mentor } = await pairWithNews(`Bell ${label}`);
    const { context, page, problems } = await openPage(browser, { width, height: 800 });
    const shot = screenshots(page, `notifications-${label}`);
    try {
      await signIn(page, mentor.email, mentor.password);
      const bell = page.getByTestId('bell');
      await page.getByTestId('bell-count').getByText('3').waitFor();
      assert.equal(await bell.getAttribute('aria-label'), 'Notifications, 3 unread');
      await shot('bell');
      await bell.click();
      await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
      const items = page.getByTestId('notifications').locator('li');
      await items.nth(2).waitFor();
      assert.equal(await items.count(), 3);
      assert.equal(await page.locator('li.unread').count(), 3);
      assert.match(await items.nth(0).textContent(), /A new message in your mentoring relationship/);
      assert.match(await items.nth(2).textContent(), /You have been matched/);
      await assertNoOverflowX(page, `the notifications at ${width} px`);
      await shot('list');
      // The newest opens its page and is read; the bell counts one less.
      await items.nth(0).getByRole('link').click();
      await page.waitForURL((u) => u.pathname === `/relationships/${rel.id}/messages`);
      await page.getByTestId('bell-count').getByText('2').waitFor();
      await bell.click();
      await page.getByTestId('unread-count').getByText('2 unread').waitFor();
      assert.equal(await page.locator('li.unread').count(), 2);
      assert.match(await page.locator('li:not(.unread)').textContent(), /A new message/);
      await page.getByRole('button', { name: 'Mark all read' }).click();
      await page.getByTestId('unread-count').getByText('All read').waitFor();
      assert.equal(await page.getByTestId('bell-count').count(), 0);
      assert.equal(await bell.getAttribute('aria-label'), 'Notifications, none unread');
      await shot('all-read');
      assertClean(problems);
    } catch (e) {
      await shot('FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  test(`mail settings and unsubscribe (${label})`, { skip: SKIP }, async () => {
    const { mentor, asMentor } = await pairWithNews(`Settings ${label}`);
    const link = await waitForMail(mentor.email, /wrote you a message[\s\S]*?(http\S+\/unsubscribe\/[A-Za-z0-9._-]+)/);
    const { context, page, problems } = await openPage(browser, { width, height: 800 });
    const shot = screenshots(page, `mail-settings-${label}`);
    try {
      // Signed out: the link from the mail says what it turns off, and does it.
      await page.goto(link[1].replace(/^https?:\/\/[^/]+/, ''));
      await page.getByRole('heading', { name: 'Stop this mail?', level: 1 }).waitFor();
      assert.match(await page.getByTestId('unsubscribe-what').textContent(), /A new message/);
      assert.match(await page.getByTestId('unsubscribe-what').textContent(), new RegExp(mentor.email.replace(/[.+]/g, '\\$&')));
      await assertNoOverflowX(page, `the unsubscribe page at ${width} px`);
      await shot('unsubscribe');
      await page.getByTestId('unsubscribe-button').click();
      await page.getByTestId('unsubscribe-done').waitFor();
      await shot('unsubscribed');
      const s = await asMentor('GET', '/me/notification-settings');
      assert.equal(s.body.kinds.find((k) => k.kind === 'message').mode, 'off');
      // A forged link changes nothing and says so.
      await page.goto('/unsubscribe/1.message.1.forged');
      await page.getByTestId('unsubscribe-refused').waitFor();
      assert.match(await page.getByTestId('unsubscribe-refused').textContent(), /not valid/);
      await shot('forged');

      // Signed in: the settings page shows the choice, and changes it.
      await signIn(page, mentor.email, mentor.password);
      await page.goto('/notifications');
      await page.getByRole('link', { name: 'Mail settings' }).click();
      await page.getByRole('heading', { name: 'Mail settings', level: 1 }).waitFor();
      const message = page.getByRole('group', { name: 'A new message' });
      assert.equal(await message.getByLabel('Off').isChecked(), true);
      await message.getByLabel('Daily digest').check();
      await page.getByRole('group', { name: 'Kudos from a partner' }).getByLabel('Off').check();
      assert.match(await page.getByText('Invitation to a program').textContent(), /Invitation/);
      await assertNoOverflowX(page, `the mail settings at ${width} px`);
      await shot('settings');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByTestId('save-status').getByText('Your mail settings are saved.').waitFor();
      const after = await asMentor('GET', '/me/notification-settings');
      const mode = (k) => after.body.kinds.find((x) => x.kind === k).mode;
      assert.deepEqual([mode('message'), mode('kudos'), mode('matched')], ['daily', 'off', 'immediately']);
      await page.reload();
      assert.equal(await page.getByRole('group', { name: 'A new message' }).getByLabel('Daily digest').isChecked(), true);
      assertClean(problems);
    } catch (e) {
      await shot('FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
}

test('program settings: the chat webhook is checked, saved, and a test alert is listed', { skip: SKIP }, async () => {
  const admin = await apiSession();
  const prog = await admin('POST', '/programs', { name: unique('Alerts settings') });
  assert.equal(prog.status, 201);
  for (const [label, width] of [
    ['desktop', 1280],
    ['phone', 375],
  ]) {
    const { context, page, problems } = await openPage(browser, { width, height: 900 });
    const shot = screenshots(page, `chat-alerts-${label}`);
    try {
      await signIn(page);
      await page.goto(`/programs/${prog.body.id}/settings#sec-alerts`);
      await page.getByRole('heading', { name: 'Chat alerts' }).waitFor();
      const input = page.getByLabel('Incoming webhook');
      await input.fill('http://chat.example/hooks/x');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText(/Give the webhook as an https:\/\/ address/).first().waitFor();
      // Nothing listens on port 9: the alert waits and is retried, as the list says.
      await input.fill('http://127.0.0.1:9/hooks/x');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByTestId('save-status').getByText(/saved/i).waitFor();
      await page.getByTestId('test-alert').click();
      await page.getByText('A test alert is on its way').waitFor();
      await page.getByTestId('alert-list').getByText(/A test alert from Tandem/).first().waitFor();
      await assertNoOverflowX(page, `the chat alerts at ${width} px`);
      await page.locator('section[aria-labelledby="sec-alerts"]').screenshot({ path: (await shot('section')).replace(/\.png$/, '-section.png') });
      assertClean(problems);
    } catch (e) {
      await shot('FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  }
});
