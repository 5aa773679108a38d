// The reports and the dashboard: a coordinator's program overview shows the
// headline figures, each a link to its report; the report pages draw their
// charts with the numbers of a program built here through the API, filter
// by period (a bad period is named at its field), download a table as CSV
// and print without the page's chrome. At desktop and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
const coordinator = { email: email('rhea'), name: 'Rhea Reports' };
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

let program = null;

// Two relationships in the first phase, one meeting held a minute ago.
async function setup() {
  if (program) return program;
  const admin = await apiSession();
  await createPerson(admin, { ...coordinator, siteRole: 'coordinator' });
  const coord = await apiSession(coordinator.email, PASSWORD);
  const r = await coord('POST', '/programs', {
    name: `Reports ${stamp}`,
    status: 'enrolling',
    selection: { access: 'open', questions: [] },
    training: { required_before_matching: false, modules: [] },
    meetings: { frequency_per_month: 2, length_minutes: 45, modes: ['video'] },
    phases: { template: 'custom', items: [{ name: 'Starting', key_actions: [] }, { name: 'Growing', key_actions: [] }] },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  program = r.body;
  const parts = {};
  for (const [who, role] of [['mo', 'mentor'], ['mi', 'mentor'], ['ea', 'mentee'], ['eb', 'mentee']]) {
    await createPerson(admin, { email: email(who), name: `Person ${who}` });
    const s = await apiSession(email(who), PASSWORD);
    const j = await s('POST', `/programs/${program.id}/participants`, { role });
    assert.equal(j.status, 201, JSON.stringify(j.body));
    parts[who] = { id: j.body.id, session: s };
  }
  const rels = [];
  for (const [m, e] of [['mo', 'ea'], ['mi', 'eb']]) {
    const x = await coord('POST', `/programs/${program.id}/relationships`, { mentor: parts[m].id, mentees: [parts[e].id] });
    assert.equal(x.status, 201, JSON.stringify(x.body));
    rels.push(x.body.id);
  }
  const at = new Date(Date.now() - 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const mt = await parts.mo.session('POST', `/relationships/${rels[0]}/meetings`, {
    starts_at: at, duration_minutes: 30, time_zone: 'UTC', mode: 'video',
  });
  assert.equal(mt.status, 201, JSON.stringify(mt.body));
  const held = await parts.mo.session('PATCH', `/relationships/${rels[0]}/meetings/${mt.body.id}`, {
    recap: { discussed: 'Start', decisions: '', next_steps: '' },
  });
  assert.equal(held.status, 200, JSON.stringify(held.body));
  // A survey everyone answers: four answers, under the threshold of five.
  const sv = await coord('POST', `/programs/${program.id}/surveys`, {
    title: 'Pulse', anonymous: false, status: 'draft', trigger: { on: 'manual' },
    questions: [{ id: 'useful', kind: 'likert', label: 'It is useful' }],
  });
  assert.equal(sv.status, 201, JSON.stringify(sv.body));
  assert.equal((await coord('POST', `/surveys/${sv.body.id}/send`)).status, 201);
  for (const who of ['mo', 'mi', 'ea']) {
    const a = await parts[who].session('POST', `/surveys/${sv.body.id}/responses`, { answers: { useful: 4 } });
    assert.equal(a.status, 201, JSON.stringify(a.body));
  }
  // A low health check puts the first pair at risk.
  const ratings = Object.fromEntries(['articulation', 'listening', 'respect', 'goal_clarity', 'challenge', 'self_awareness',
    'commitment_to_learning', 'reflection_and_preparation'].map((k) => [k, k === 'listening' ? 1 : 4]));
  const hc = await parts.ea.session('POST', `/relationships/${rels[0]}/health-checks`, { ratings });
  assert.equal(hc.status, 201, JSON.stringify(hc.body));
  return program;
}

const figure = (page, key) => page.locator(`[data-figure="${key}"] dd`);

for (const [label, viewport] of [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 375, height: 800 }],
]) {
  test(`the dashboard and the report pages at ${label} width`, { skip: SKIP }, async () => {
    const p = await setup();
    const { context, page, problems } = await openPage(browser, viewport);
    const shot = screenshots(page, `reports-${label}`);
    await signIn(page, coordinator.email, PASSWORD);

    await page.goto(`/programs/${p.id}`);
    await page.getByTestId('headlines').waitFor();
    assert.equal(await figure(page, 'active').textContent(), '2');
    assert.equal(await figure(page, 'meetings').textContent(), '1');
    assert.equal(await figure(page, 'guideline').textContent(), '0 %');
    assert.equal(await figure(page, 'at-risk').textContent(), '1');
    assert.equal(await figure(page, 'satisfaction').textContent(), '—');          // 3 answers: not shown
    assert.equal(await figure(page, 'objectives').textContent(), '—');            // none measured
    assert.equal(await page.locator('[data-figure="satisfaction"] a').getAttribute('href'), `/programs/${p.id}/reports/satisfaction`);
    await assertNoOverflowX(page, 'the program overview');
    await shot('overview');

    // A figure leads to its report: the phases, charted and tabled.
    await page.locator('[data-figure="active"] a').click();
    await page.waitForURL(`**/programs/${p.id}/reports/phases`);
    await page.getByRole('heading', { level: 1, name: /Phases/ }).waitFor();
    const chart = page.getByTestId('chart-phases');
    await chart.locator('canvas').waitFor();
    assert.match(await chart.getAttribute('aria-label'), /Starting: Relationships now 2; Growing: Relationships now 0/);
    const rows = page.getByTestId('table-phases').locator('tbody tr');
    assert.equal(await rows.count(), 2);
    assert.deepEqual(await rows.first().locator('td').allTextContents(), ['0', 'Starting', '2', '0', '—']);
    // The canvas was drawn on: some pixel is not blank.
    const painted = await chart.locator('canvas').evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true;
      return false;
    });
    assert.ok(painted, 'the chart is drawn');
    await assertNoOverflowX(page, 'the phases report');
    // At phone width each row is a card: its cells stacked, each named by
    // its column; at desktop width a table row.
    const cell = rows.first().locator('td').nth(2);
    const look = await cell.evaluate((td) => ({
      display: getComputedStyle(td).display,
      label: getComputedStyle(td, '::before').content,
      row: getComputedStyle(td.parentElement).display,
    }));
    if (viewport.width < 600) assert.deepEqual(look, { display: 'flex', label: '"Relationships now"', row: 'block' });
    else assert.equal(look.row, 'table-row');
    // Bars lie down at phone width (labels beside them), stand at desktop.
    assert.equal(await chart.getAttribute('data-axis'), viewport.width < 600 ? 'y' : 'x');
    await shot('phases');

    // CSV of the table: the same numbers, unformatted.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-table="phases"]').getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const text = readFileSync(await download.path(), 'utf8');
    assert.equal(text, 'phase,name,relationships_now,completed_stays,median_days\r\n0,Starting,2,0,\r\n1,Growing,0,0,\r\n');
    assert.match(download.suggestedFilename(), /^phases-phases-program-\d+\.csv$/);

    // Engagement: the figures and the line over the months.
    await page.goto(`/programs/${p.id}/reports/engagement`);
    await page.getByTestId('figures-summary').waitFor();
    assert.equal(await page.locator('[data-metric="meetings_held"] dd').textContent(), '1');
    assert.equal(await page.locator('[data-metric="share_meeting_guideline"] dd').textContent(), '0 %');
    await page.getByTestId('chart-by_month').locator('canvas').waitFor();
    await assertNoOverflowX(page, 'the engagement report');
    await shot('engagement');

    // A period that ends before it starts is refused at its field.
    await page.getByLabel('From').fill(day(0));
    await page.getByLabel('To').fill(day(-1));
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#report-to-error').waitFor();
    assert.match(await page.locator('#report-to-error').textContent(), /must not be before from/);
    // A period of the future: nothing held in it.
    await page.getByLabel('From').fill(day(1));
    await page.getByLabel('To').fill(day(2));
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((u) => u.search.includes('from='));
    await page.getByTestId('report-period').filter({ hasText: day(1) }).waitFor();
    await page.locator('[data-metric="meetings_held"] dd').filter({ hasText: '0' }).waitFor();
    await shot('engagement-period');

    // The print view: no header, no buttons, the program named.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header').first().isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Download CSV' }).first().isVisible(), false);
    assert.equal(await page.locator('.print-only').first().isVisible(), true);
    await shot('engagement-print');
    await page.emulateMedia({ media: 'screen' });

    // Resources: the library's starter articles, none read yet.
    await page.goto(`/programs/${p.id}/reports/resources`);
    await page.getByTestId('chart-resources').locator('canvas').waitFor();
    const opens = await page.getByTestId('table-resources').locator('tbody tr td:nth-child(5)').allTextContents();
    assert.ok(opens.length > 0 && opens.every((o) => o === '0'), `opens: ${opens}`);
    await assertNoOverflowX(page, 'the resources report');
    await shot('resources');

    await page.goto(`/programs/${p.id}/reports/outcomes`);
    await page.getByRole('heading', { level: 2, name: 'Participants against people who never joined' }).waitFor();
    await shot('outcomes');

    // Satisfaction: three answers of four asked are too few to show a mean,
    // and the page says so; the response rates are charted.
    await page.goto(`/programs/${p.id}/reports/satisfaction`);
    await page.getByTestId('table-questions').waitFor();
    const q = await page.getByTestId('table-questions').locator('tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(q.slice(5), ['all', '—', '—', '—', 'fewer than 5 answers']);
    assert.match(await page.getByTestId('chart-response_rates').getAttribute('aria-label'),
      /Pulse \(mentee\): Response rate 50 %; Pulse \(mentor\): Response rate 100 %/);
    assert.equal(await page.locator('[data-metric="response_rate"] dd').textContent(), '75 %');
    await page.getByTestId('suppression-hint').waitFor();
    await assertNoOverflowX(page, 'the satisfaction report');
    // The questions' long labels ("It is useful (all)") lie beside their
    // bars at any width; the short ones of the response rates only on a phone.
    assert.equal(await page.getByTestId('chart-questions').getAttribute('data-axis'), 'y');
    assert.equal(await page.getByTestId('chart-response_rates').getAttribute('data-axis'), viewport.width < 600 ? 'y' : 'x');
    await shot('satisfaction');
    const [qcsv] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-table="questions"]').getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const qtext = readFileSync(await qcsv.path(), 'utf8').split('\r\n');
    assert.equal(qtext[0], 'survey_id,survey,question,label,kind,role,answered,mean,nps,suppressed');
    assert.match(qtext[1], /,Pulse,useful,It is useful,likert,all,,,,fewer than 5 answers$/);

    // The settings declare the learning style a group field of equity.
    await page.goto(`/programs/${p.id}/settings`);
    const groupBox = page.getByRole('group', { name: /The equity report also groups by/ }).getByLabel('Learning style (profile)');
    await groupBox.waitFor();
    if (!(await groupBox.isChecked())) {
      await groupBox.check();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByTestId('save-status').filter({ hasText: /./ }).waitFor();
    }
    const admin = await apiSession();
    const cfg = await admin('GET', `/programs/${p.id}`);
    assert.deepEqual(cfg.body.reports, { equity_groups: ['learning_style'] });

    // Equity: two mentees with no department are fewer than five, and so
    // are they by learning style.
    await page.goto(`/programs/${p.id}/reports/equity`);
    await page.getByTestId('table-groups').waitFor();
    const g = await page.getByTestId('table-groups').locator('tbody tr').first().locator('td').allTextContents();
    assert.deepEqual([g[0], g[1], g[2], g[9]], ['department', '(not given)', '—', 'fewer than 5 people']);
    const ls = await page.getByTestId('table-groups').locator('tbody tr', { hasText: 'learning_style' }).first().locator('td').allTextContents();
    assert.deepEqual([ls[0], ls[1], ls[2], ls[9]], ['learning_style', '(not given)', '—', 'fewer than 5 people']);
    await assertNoOverflowX(page, 'the equity report');
    await shot('equity');

    // At risk: the reasons charted, the pair listed for the coordinator.
    await page.goto(`/programs/${p.id}/reports/at-risk`);
    await page.getByTestId('chart-reasons').locator('canvas').waitFor();
    assert.match(await page.getByTestId('chart-reasons').getAttribute('aria-label'), /Low rating: At risk now 1/);
    assert.equal(await page.locator('[data-metric="at_risk_now"] dd').textContent(), '1');
    const listed = await page.getByTestId('table-relationships').locator('tbody tr').first().textContent();
    assert.ok(listed.includes('Person ea') && listed.includes('low_rating'), listed);
    await assertNoOverflowX(page, 'the at-risk report');
    await shot('at-risk');

    // Across programs: the coordinator's one program, its counts and the funnel's sums.
    await page.goto('/programs');
    await page.getByTestId('rollup-links').getByRole('link', { name: 'at risk' }).click();
    await page.waitForURL('**/reports/at-risk');
    await page.getByRole('heading', { level: 1, name: 'At risk across programs' }).waitFor();
    assert.equal(await page.locator('[data-metric="at_risk_now"] dd').textContent(), '1');
    assert.equal(await page.locator('[data-metric="open_relationships"] dd').textContent(), '2');
    const prow = await page.getByTestId('table-programs').locator('tbody tr').allTextContents();
    assert.equal(prow.length, 1);
    assert.ok(prow[0].includes(p.name), prow[0]);
    await page.getByTestId('chart-programs').locator('canvas').waitFor();
    await assertNoOverflowX(page, 'at risk across programs');
    await shot('rollup-at-risk');
    await page.goto('/reports/funnel');
    await page.getByTestId('table-stages').waitFor();
    const matched = await page.getByTestId('table-stages').locator('tbody tr', { hasText: 'matched' }).first().locator('td').allTextContents();
    assert.equal(matched[1], '4');                                                  // two mentors, two mentees
    await shot('rollup-funnel');
    // Every other report rolls up too: engagement's totals and the programs.
    await page.goto('/programs');
    await page.getByTestId('rollup-links').getByRole('link', { name: 'engagement' }).click();
    await page.waitForURL('**/reports/engagement');
    await page.getByRole('heading', { level: 1, name: 'Engagement across programs' }).waitFor();
    assert.equal(await page.locator('[data-metric="relationships"] dd').textContent(), '2');
    assert.equal(await page.locator('[data-metric="meetings_held"] dd').textContent(), '1');
    await page.getByTestId('chart-by_month').locator('canvas').waitFor();
    const eprog = await page.getByTestId('table-programs').locator('tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(eprog.slice(1, 4), [p.name, '2', '1']);
    await assertNoOverflowX(page, 'engagement across programs');
    await shot('rollup-engagement');
    const [pcsv] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-table="programs"]').getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const ptext = readFileSync(await pcsv.path(), 'utf8').split('\r\n');
    assert.equal(ptext[0], 'program_id,program,relationships,meetings_held,share_meeting_guideline,goal_completion,share_active_last_30_days');
    assert.match(ptext[1], new RegExp(`^${p.id},Reports ${stamp},2,1,0,`));
    await page.goto('/reports/equity');
    await page.getByTestId('table-groups').waitFor();
    const eg = await page.getByTestId('table-groups').locator('tbody tr').first().locator('td').allTextContents();
    assert.deepEqual([eg[0], eg[1], eg[2], eg[9]], ['department', '(not given)', '—', 'fewer than 5 people']);
    await assertNoOverflowX(page, 'equity across programs');
    await shot('rollup-equity');
    assertClean(problems);
    await context.close();
  });
}
