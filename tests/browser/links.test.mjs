// Every link the server writes opens a real page (issue 9 item 6): the
// links in each kind of e-mail in the outbox and in every .ics (one
// meeting's download and the private feed) are followed in the browser.
// Then the workspace is walked as mentor, mentee and coordinator at desktop
// and phone width, editing what it made (item 15) and reading who sees
// messages (item 16).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  BASE,
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
  waitForMail,
} from './lib.mjs';

let browser;
let admin;
let program;
let mentor;
let mentee;
let rel;
let meeting;
let heldMeeting;

/** YYYY-MM-DD, `days` from today (UTC). */
const day = (days) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);

/** The addresses in a text that lead to this server. */
const ours = (text) => (text.match(/https?:\/\/[^\s<>"]+/g) || []).filter((u) => u.startsWith(BASE));

/** A screenshot of one part of a page, to look at it closely. */
const part = (locator, name) => locator.screenshot({ path: path.join(OUT, `part-${name}.png`) });

/** Waits until the element with this id is in view below the sticky table of contents. */
async function inView(page, id) {
  const where = () =>
    page.evaluate((el) => {
      const r = document.getElementById(el)?.getBoundingClientRect();
      const toc = document.querySelector('.ws-toc')?.getBoundingClientRect();
      return JSON.stringify({ top: r?.top, toc: toc?.bottom, y: window.scrollY, h: window.innerHeight });
    }, id);
  await page.waitForFunction((el) => {
    const r = document.getElementById(el)?.getBoundingClientRect();
    const toc = document.querySelector('.ws-toc')?.getBoundingClientRect();
    return r && r.top >= (toc ? toc.bottom : 0) - 2 && r.top < window.innerHeight;
  }, id).catch(async (e) => {
    throw new Error(`#${id} is not in view: ${await where()} (${e.message})`);
  });
}

/** The lines of an .ics with folding undone. */
const unfold = (ics) => ics.replace(/\r\n[ \t]/g, '').split(/\r\n/);

before(async () => {
  if (SKIP) return;
  browser = await launch();
  admin = await apiSession();
  let r = await admin('POST', '/programs', { status: 'enrolling',
    name: unique('Linked mentoring'),
    description: 'Pairs made by hand, to follow every link.',
    selection: { access: 'open', questions: [] },
    training: { required_before_matching: false, modules: [] },
    meetings: { frequency_per_month: 2, length_minutes: 45, modes: ['video', 'in_person'] },
    phases: {
      template: 'custom',
      items: [
        { name: 'Getting started', key_actions: ['Meet once'], timeframe_days: 30, resources: ['Orientation guide', 'https://example.org/guide'] },
        { name: 'Closing', key_actions: [] },
      ],
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  program = r.body;
  mentor = await makePerson(admin, 'Nora Mentor');
  mentee = await makePerson(admin, 'Omar Mentee');
  mentor.api = await apiSession(mentor.email, mentor.password);
  mentee.api = await apiSession(mentee.email, mentee.password);
  const parts = {};
  for (const [who, role, zone] of [
    [mentor, 'mentor', 'Europe/Paris'],
    [mentee, 'mentee', 'America/New_York'],
  ]) {
    r = await who.api('POST', `/programs/${program.id}/participants`, { role, profile: { time_zone: zone } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    parts[role] = r.body.id;
  }
  r = await admin('POST', `/programs/${program.id}/relationships`, { mentor: parts.mentor, mentees: [parts.mentee] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  rel = r.body;
  const ws = `/relationships/${rel.id}`;
  // Every kind of workspace mail: a meeting scheduled, moved and cancelled,
  // a message, the agreement changed.
  r = await mentor.api('POST', `${ws}/meetings`, { starts_at: `${day(5)}T15:30:00Z`, location: 'https://meet.example/nora-omar' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  meeting = r.body;
  r = await mentor.api('PATCH', `${ws}/meetings/${meeting.id}`, { starts_at: `${day(6)}T15:30:00Z` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await mentor.api('POST', `${ws}/meetings`, { starts_at: `${day(8)}T09:00:00Z` });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await mentor.api('PATCH', `${ws}/meetings/${r.body.id}`, { status: 'cancelled' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await mentor.api('POST', `${ws}/meetings`, { starts_at: `${day(-1)}T09:00:00Z`, agenda: ['Introductions'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  heldMeeting = r.body;
  r = await mentor.api('POST', `${ws}/messages`, { body: 'Looking forward to it' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await mentor.api('PUT', `${ws}/agreement`, { goals_summary: 'Grow into a team lead' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  // The follow-up's mail: a survey sent to the pair and a coordinator's nudge.
  r = await admin('POST', `/programs/${program.id}/surveys`, {
    title: 'How is it going?',
    anonymous: false,
    audience: 'both',
    status: 'active',
    trigger: { on: 'manual' },
    questions: [{ id: 'useful', kind: 'likert', label: 'Our meetings are useful' }],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin('POST', `/surveys/${r.body.id}/send`);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin('POST', `${ws}/nudge`, { message: 'Have you met this month?' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
});

after(async () => {
  await browser?.close();
});

/** Opens a link and checks it is a real page; returns the page's h1. */
async function follow(page, url, what) {
  await page.goto(url);
  const h1 = page.locator('main h1');
  await h1.first().waitFor();
  const heading = (await h1.first().textContent()).trim();
  assert.notEqual(heading, 'Not found', `${what} (${url}) opens a real page`);
  return heading;
}

test('every link in the outbox and in calendars opens a real page', { skip: SKIP }, async () => {
  const e = await openPage(browser, { width: 375, height: 800 });
  const shot = screenshots(e.page, 'links');
  try {
    await signIn(e.page, mentee.email, mentee.password);
    // The mentee's own mail, kind by kind, followed as the mentee.
    const mine = (await admin('GET', `/outbox?to=${encodeURIComponent(mentee.email)}&limit=100`)).body.items;
    const kinds = new Set(mine.map((m) => m.kind));
    for (const k of ['matched', 'meeting_scheduled', 'meeting_moved', 'meeting_cancelled', 'message', 'agreement_changed', 'survey_due', 'nudge'])
      assert.ok(kinds.has(k), `the mentee got a ${k} mail`);
    for (const m of mine) {
      const urls = ours(m.body);
      assert.ok(urls.length, `the ${m.kind} mail links somewhere`);
      // Times read as people read them, in the mentee's zone.
      assert.doesNotMatch(m.body, /\d{4}-\d\d-\d\dT\d\d:\d\d/, `${m.kind}: no raw timestamps`);
      if (m.kind.startsWith('meeting_')) assert.match(m.body, /\(America\/New_York\)/, m.kind);
      for (const u of urls) {
        await follow(e.page, u, `the ${m.kind} mail`);
        const path = new URL(u).pathname;
        const meetingLink = /\/meetings\/(\d+)$/.exec(path);
        const section = /\/relationships\/\d+\/([a-z]+)$/.exec(path);
        if (meetingLink) {
          // The meeting itself is in view and marked.
          const card = e.page.locator(`#meeting-${meetingLink[1]}`);
          await card.waitFor();
          await inView(e.page, `meeting-${meetingLink[1]}`);
          assert.match(await card.getAttribute('class'), /focused/);
        } else if (/^\/surveys\/\d+$/.test(path)) {
          // The survey to answer, not a list to look for it in.
          await e.page.getByRole('heading', { level: 1, name: 'How is it going?' }).waitFor();
        } else if (section) {
          await e.page.locator(`#${section[1]}`).waitFor();
          await inView(e.page, section[1]);
        }
        await shot(`${m.kind}`);
      }
    }

    // The .ics of one meeting and the private feed: URL and the link in DESCRIPTION.
    const page = `/relationships/${rel.id}/meetings/${meeting.id}`;
    const ics = await e.page.evaluate((u) => fetch(u).then((r) => r.text()), meeting.ics_url);
    const feed = await mentee.api('POST', '/calendar/feed');
    assert.equal(feed.status, 201);
    const feedText = await (await fetch(feed.body.url)).text();
    for (const [name, text] of [
      ['the meeting .ics', ics],
      ['the calendar feed', feedText],
    ]) {
      const lines = unfold(text);
      const urls = lines.filter((l) => l.startsWith('URL:')).map((l) => l.slice(4));
      const described = lines
        .filter((l) => l.startsWith('DESCRIPTION:'))
        .flatMap((l) => ours(l.slice(12).replace(/\\n/g, '\n').replace(/\\([,;\\])/g, '$1')));
      assert.ok(urls.length && described.length, `${name} links its meetings`);
      for (const u of [...new Set([...urls, ...described])]) await follow(e.page, u, name);
      assert.ok(urls.some((u) => u.endsWith(page)), `${name} links ${page}`);
    }
    assertClean(e.problems);

    // Every other kind of mail the server wrote so far (invitations,
    // requests, matches, reviews ...), one link of each form, as the admin.
    const a = await openPage(browser);
    try {
      await signIn(a.page);
      const all = (await admin('GET', '/outbox?limit=500')).body.items;
      const seen = new Set();
      for (const m of all) {
        for (let u of ours(m.body)) {
          // The outbox shows a link that lets someone in shortened (an
          // invitation, a password reset, a sign-up's confirmation): the mail
          // the receiver got has it whole.
          const secret = /\/(invite|password-reset|sign-up\/verify)\/\u2026/.exec(u);
          if (secret) {
            const path = secret[1].replace('/', '\\/');
            u = (await waitForMail(m.to, new RegExp(`(https?:\\/\\/\\S+\\/${path}\\/[A-Za-z0-9_-]+)`)))[1];
          }
          const form = `${m.kind} ${new URL(u).pathname.replace(/\d+/g, 'N').replace(/[A-Za-z0-9_-]{20,}/g, 'T')}`;
          if (seen.has(form)) continue;
          seen.add(form);
          // A link that lets someone in is opened signed out, as its recipient would.
          if (/\/(invite|password-reset|sign-up\/verify)\//.test(u)) {
            const anon = await openPage(browser);
            try {
              await follow(anon.page, u, `the ${m.kind} mail`);
            } finally {
              await anon.context.close();
            }
          } else {
            await follow(a.page, u, `the ${m.kind} mail`);
          }
        }
      }
      assert.ok(seen.size >= 6, `links followed: ${[...seen].join(', ')}`);
    } finally {
      await a.context.close();
    }
  } catch (err) {
    await shot('FAILED').catch(() => {});
    throw err;
  } finally {
    await e.context.close();
  }
});

test('the workspace edits what it made, at desktop and phone width', { skip: SKIP }, async () => {
  const m = await openPage(browser, { width: 375, height: 800 }); // the mentor on a phone
  const e = await openPage(browser); // the mentee at a desk
  const c = await openPage(browser, { width: 375, height: 800 }); // the coordinator on a phone
  const mshot = screenshots(m.page, 'edit-mentor');
  const eshot = screenshots(e.page, 'edit-mentee');
  const cshot = screenshots(c.page, 'edit-coordinator');
  const ws = `/relationships/${rel.id}`;
  try {
    await signIn(m.page, mentor.email, mentor.password);
    await signIn(e.page, mentee.email, mentee.password);
    await signIn(c.page);

    // Who reads messages is said, as for notes.
    await m.page.goto(`${ws}/messages`);
    await m.page.getByTestId('messages-readers').waitFor();
    assert.match(await m.page.getByTestId('messages-readers').textContent(), /coordinators/);
    await assertNoOverflowX(m.page, 'workspace at the messages');
    await mshot('messages');

    // A bare resource title is not shown as content; a link is.
    const phase = m.page.getByTestId('phase');
    await phase.getByRole('link', { name: /example\.org\/guide/ }).waitFor();
    assert.equal(await phase.getByText('Orientation guide').count(), 0, 'no dead resource titles');

    // The meeting's place is a link; it can be rescheduled, in the profile's zone.
    const card = m.page.locator(`#meeting-${meeting.id}`);
    await card.getByRole('link', { name: /meet\.example\/nora-omar/ }).waitFor();
    assert.equal(await card.getByRole('button', { name: 'Write recap' }).count(), 0, 'not started: no recap yet');
    await card.getByRole('button', { name: 'Reschedule or edit' }).click();
    assert.equal(await card.getByLabel('Time zone').inputValue(), 'Europe/Paris');
    await card.getByLabel('Date', { exact: true }).fill(day(7));
    await card.getByLabel('Time', { exact: true }).fill('10:15');
    await assertNoOverflowX(m.page, 'the reschedule form');
    await mshot('reschedule');
    await part(card, 'reschedule-phone');
    await card.getByRole('button', { name: 'Save meeting' }).click();
    await m.page.getByText(/^Meeting saved\./).waitFor();
    const moved = (await mentor.api('GET', `${ws}/meetings/${meeting.id}`)).body;
    assert.equal(moved.sequence, meeting.sequence + 2, 'each change is a new SEQUENCE');
    assert.equal(moved.uid, meeting.uid);
    // A new meeting defaults to the profile's zone, not the browser's (UTC here).
    await m.page.getByRole('button', { name: 'Schedule a meeting' }).click();
    assert.equal(await m.page.getByLabel('Time zone').inputValue(), 'Europe/Paris');
    await m.page.getByRole('button', { name: 'Cancel', exact: true }).click();
    // Cancelling: the .ics says so.
    await card.getByRole('button', { name: 'Cancel meeting' }).click();
    await m.page.getByText('Meeting cancelled. Your partner has been told.').waitFor();
    const cancelled = await m.page.evaluate((u) => fetch(u).then((r) => r.text()), meeting.ics_url);
    assert.match(cancelled, /METHOD:CANCEL\r\n/);
    assert.match(cancelled, /STATUS:CANCELLED\r\n/);
    assert.match(cancelled, new RegExp(`UID:${meeting.uid.replace(/[.]/g, '\\.')}\\r\\n`));
    await card.getByRole('button', { name: 'Schedule it again' }).waitFor();

    // The meeting of yesterday is recapped.
    const held = m.page.locator(`#meeting-${heldMeeting.id}`);
    await held.getByRole('button', { name: 'Write recap' }).click();
    await held.getByLabel('What we discussed').fill('Where to start');
    await held.getByRole('button', { name: 'Save recap' }).click();
    await held.getByTestId('recap').waitFor();

    // The mentee edits a goal and a milestone; progress over 100 is refused in the app's style.
    await e.page.goto(`${ws}/goals`);
    await e.page.getByRole('button', { name: 'New goal' }).click();
    assert.match(await e.page.locator('label[for="f-goal-measure"]').textContent(), /Measure of success \(optional\)/);
    await e.page.getByLabel('The goal', { exact: true }).fill('Speak at the all-hands');
    await e.page.getByLabel(/^Target date/).fill(day(-3));
    await e.page.getByRole('button', { name: 'Add goal' }).click();
    await e.page.locator('#f-goal-target-date-error').waitFor();
    assert.match(await e.page.locator('#f-goal-target-date-error').textContent(), /past/);
    await eshot('goal-past-date');
    await e.page.getByLabel(/^Target date/).fill(day(60));
    await e.page.getByRole('button', { name: 'Add goal' }).click();
    const goal = e.page.getByTestId('goal');
    await goal.waitFor();
    await goal.getByRole('button', { name: /^Edit goal/ }).click();
    await goal.getByLabel('The goal', { exact: true }).fill('Speak at the spring all-hands');
    await goal.getByRole('button', { name: 'Save goal' }).click();
    await e.page.getByText('Goal saved.').waitFor();
    assert.match(await goal.textContent(), /Speak at the spring all-hands/);
    await goal.getByLabel('New milestone').fill('Outline');
    await goal.getByRole('button', { name: 'Add milestone' }).click();
    await goal.getByLabel(/^Outline/).waitFor();
    await goal.getByRole('button', { name: /^Edit the milestone Outline/ }).click();
    await goal.getByLabel('Milestone', { exact: true }).fill('Outline the talk');
    await goal.getByRole('button', { name: 'Save milestone' }).click();
    await goal.getByLabel(/^Outline the talk/).waitFor();
    await goal.getByLabel('Progress (%)').fill('150');
    let popup = false;
    e.page.on('dialog', () => (popup = true));
    await goal.getByRole('button', { name: 'Save progress' }).click();
    const err = goal.locator('.error-text', { hasText: '0 to 100' });
    await err.waitFor();
    assert.equal(await goal.getByLabel('Progress (%)').getAttribute('aria-invalid'), 'true');
    assert.equal(
      await goal.getByLabel('Progress (%)').evaluate((el) => el.matches(':invalid') && document.activeElement === el && !el.form.noValidate),
      false,
      'no browser validation popup',
    );
    assert.equal(popup, false);
    await eshot('progress-error');
    await part(goal, 'goal-desktop');

    // A note is edited.
    await e.page.getByLabel('New note').fill('First thoughts');
    await e.page.getByRole('button', { name: 'Save note' }).click();
    await e.page.getByText('Private note saved. Only you can read it.').waitFor();
    await e.page.getByTestId('notes').getByRole('button', { name: /^Edit/ }).click();
    await e.page.getByTestId('notes').getByLabel('Note', { exact: true }).fill('Second thoughts');
    await e.page.getByTestId('notes').getByRole('form', { name: 'Edit the note' }).getByRole('button', { name: 'Save note' }).click();
    await e.page.getByText('Note saved. Only you can read it.').waitFor();
    assert.match(await e.page.getByTestId('notes').textContent(), /Second thoughts/);

    // The agreement: an empty confidentiality clause is refused at the field;
    // what version 2 changed is shown with the old text, and the history.
    await e.page.goto(`${ws}/agreement`);
    const agreement = e.page.getByTestId('agreement');
    await agreement.getByTestId('agreement-changes').waitFor();
    assert.match(await agreement.getByTestId('agreement-changes').textContent(), /Grow into a team lead/);
    await agreement.getByRole('button', { name: 'Edit agreement' }).click();
    await agreement.getByLabel(/^Confidentiality/).fill('');
    await agreement.getByRole('button', { name: 'Save agreement' }).click();
    await agreement.locator('#f-agreement-confidentiality-error').waitFor();
    await eshot('agreement-required');
    await agreement.getByLabel(/^Confidentiality/).fill('Only between us two.');
    await agreement.getByRole('button', { name: 'Save agreement' }).click();
    await e.page.getByText('Saved as version 3. Everyone signs again.').waitFor();
    const changes = await agreement.getByTestId('agreement-changes').textContent();
    assert.match(changes, /What version 3 changed/);
    assert.match(changes, /What we discuss stays between us/); // the old text, struck
    assert.match(changes, /Only between us two\./);
    await agreement.getByText(/^All versions/).click();
    assert.match(await agreement.getByTestId('agreement-history').textContent(), /Version 1/);
    await eshot('agreement-diff');
    await part(agreement, 'agreement-desktop');

    // The coordinator reads it all on a phone, with no edit buttons.
    await c.page.goto(ws);
    await c.page.getByTestId('read-only').waitFor();
    await c.page.getByTestId('goal').waitFor();
    assert.equal(await c.page.getByRole('button', { name: /^Edit goal/ }).count(), 0);
    assert.equal(await c.page.getByRole('button', { name: 'Reschedule or edit' }).count(), 0);
    await assertNoOverflowX(c.page, 'the workspace as coordinator');
    await cshot('workspace');
    await c.page.goto(`${ws}/meetings/${heldMeeting.id}`);
    await c.page.locator(`#meeting-${heldMeeting.id}.focused`).waitFor();
    await cshot('meeting');
    await part(c.page.locator(`#meeting-${heldMeeting.id}`), 'meeting-coordinator-phone');

    // The mentor's phone and the mentee's desk, once more after it all.
    await m.page.goto(ws);
    await m.page.getByTestId('goal').waitFor();
    await assertNoOverflowX(m.page, 'the workspace on a phone');
    await mshot('workspace');
    await part(m.page.getByTestId('goal'), 'goal-phone');
    await part(m.page.getByTestId('meetings'), 'meetings-phone');
    await part(m.page.getByTestId('agreement'), 'agreement-phone');
    await part(m.page.getByTestId('phase'), 'phase-phone');
    await e.page.goto(ws);
    await e.page.getByTestId('goal').waitFor();
    await eshot('workspace');
    assertClean(m.problems);
    assertClean(e.problems);
    assertClean(c.problems);
  } catch (err) {
    await mshot('FAILED').catch(() => {});
    await eshot('FAILED').catch(() => {});
    await cshot('FAILED').catch(() => {});
    throw err;
  } finally {
    await m.context.close();
    await e.context.close();
    await c.context.close();
  }
});
