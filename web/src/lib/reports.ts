/**
 * Reports as the API gives them (docs/openapi.json: Report): typed tables
 * of rows. What each report and table is called in people's words, which
 * tables get a chart and how, and the cells as text.
 */
import type { Schema } from './api';

export type Report = Schema<'Report'>;
export type ReportTable = Schema<'ReportTable'>;
export type RollUp = Schema<'RollUpReport'>;
export type Cell = string | number | null;
export type ReportName = 'matching' | 'engagement' | 'phases' | 'resources' | 'outcomes' | 'satisfaction' | 'equity' | 'at-risk';

/** Whether a reply of the report route is one of the tabled reports (not the funnel's or the at-risk list's own shape). */
export function isTabled(r: { report: string }): r is Report {
  return 'tables' in r;
}

export const REPORTS: { name: ReportName; title: string; lead: string }[] = [
  { name: 'matching', title: 'Match quality', lead: 'How well the published run matched people, the mentors’ load now, who is waiting for a new match, and how long a match took.' },
  { name: 'engagement', title: 'Engagement', lead: 'How often pairs meet, whether agreements and goals were set on time, goal and milestone completion, and who was active lately.' },
  { name: 'phases', title: 'Phases', lead: 'Where the relationships are in the phase model now, and how long they stayed in each phase.' },
  { name: 'resources', title: 'Resource use', lead: 'How the program’s mentors and mentees use the help library: readers and opens by resource, and by the phase each resource belongs to.' },
  { name: 'outcomes', title: 'Outcomes', lead: 'Outcome records of the program’s matched participants against people who never joined a program, with the difference and whether it is more than chance.' },
  { name: 'satisfaction', title: 'Satisfaction', lead: 'What mentors and mentees answered in the program’s surveys: the mean of each rated question and its net promoter score, by role, and who answered of those asked.' },
  { name: 'equity', title: 'Equity', lead: 'Who the program serves well and who it does not: match rate, score, time to match, completion and outcomes by department, job level, location and any group field the program declares in its settings.' },
  { name: 'at-risk', title: 'At-risk figures', lead: 'Relationships that need a coordinator now and why, and how many were ever flagged and recovered.' },
];

/** The reports that add up across programs (GET /reports/{name}). */
export type RollUpName = 'funnel' | ReportName;
export const ROLLUPS: { name: RollUpName; title: string; lead: string }[] = [
  { name: 'funnel', title: 'The funnel', lead: 'Every program’s mentors and mentees by the stage they reached, added up; the conversions are those of the sums. Each program’s own figures follow.' },
  { name: 'matching', title: 'Match quality', lead: 'The published runs’ pairs, score buckets, mentor load and who was left out, added up over the programs; a median does not add up and is left out. Each program’s own figures follow.' },
  { name: 'engagement', title: 'Engagement', lead: 'Relationships, meetings, goals and messages added up over the programs; each share is worked out again over all their relationships. Each program’s own figures follow.' },
  { name: 'phases', title: 'Phases', lead: 'Relationships now in each phase, by the phase’s name, added up over the programs (medians do not add up). Each program’s own figures follow.' },
  { name: 'resources', title: 'Resource use', lead: 'Readers and opens of each resource and phase, added up over the programs (someone in two programs counts in each). Each program’s own figures follow.' },
  { name: 'satisfaction', title: 'Satisfaction', lead: 'Who was asked and who answered, by role, added up over the programs. Ratings stay with each program’s own questions and anonymity threshold, in the figures by program.' },
  { name: 'equity', title: 'Equity', lead: 'Every program’s cohort pooled, by department, job level and location; a group smaller than the strictest threshold of the programs is not shown, nor one a total would give back. Each program’s cohort follows.' },
  { name: 'outcomes', title: 'Outcomes', lead: 'Each program’s participants against people who never joined a program, program by program: the comparison group is the same for all, so the comparisons are not added up.' },
  { name: 'at-risk', title: 'At risk', lead: 'Relationships at risk now, ever flagged and recovered, added up over the programs; each program’s own counts follow. Counts only: the lists are each program’s coordinators’.' },
];

export function reportTitle(name: string): string {
  return REPORTS.find((r) => r.name === name)?.title || name;
}

const WORDS: Record<string, string> = {
  published_run: 'Published run',
  mean_score: 'Mean score',
  rematch_queue: 'Waiting for a new match',
  matched_in_period: 'Mentees matched in the period',
  median_days_to_match: 'Median days from approval to a match',
  meetings_held: 'Meetings held',
  guideline_meetings_per_month: 'Guideline: meetings a month',
  share_meeting_guideline: 'Relationships meeting the guideline',
  share_agreement_signed_within_14_days: 'Agreement signed by all within 14 days',
  goal_due_days: 'Goals due within (days)',
  share_goals_set_within_due_days: 'Goals set within that time',
  goal_completion: 'Goal completion',
  milestone_completion: 'Milestone completion',
  share_active_last_30_days: 'Active in the last 30 days',
  relationships_now: 'Relationships now',
  completed_stays: 'Stays completed',
  median_days: 'Median days',
  meetings_per_relationship: 'Meetings per relationship',
  participant_rate: 'Participants’ rate',
  other_rate: 'Others’ rate',
  participants_yes: 'Participants: yes',
  others_yes: 'Others: yes',
  others: 'Others (never joined)',
  ci_low: '95 % interval from',
  ci_high: 'to',
  p_value: 'p-value',
  resource_id: 'Id',
  anonymity_threshold: 'Smallest group shown',
  responses: 'Responses',
  response_rate: 'Response rate',
  mean_rating: 'Mean rating (1–5)',
  nps: 'Net promoter score',
  suppressed: 'Not shown because',
  relationships_ended: 'Relationships ended',
  completion_rate: 'Completed, of those ended',
  match_rate: 'Match rate',
  open_relationships: 'Open relationships',
  at_risk_now: 'At risk now',
  share_at_risk: 'Share at risk',
  flagged_now: 'Flagged (recorded)',
  flagged_ever: 'Ever flagged',
  recovered: 'Recovered',
  relationship_id: 'Relationship',
  started_on: 'Started',
  survey_id: 'Survey no.',
};

/** An objective's standing (outcomes.objectives). */
export const STATUS_WORDS: Record<string, string> = {
  met: 'Met',
  on_track: 'On track',
  behind: 'Behind',
  no_data: 'No data yet',
  not_measured: 'Not measured',
};

/** A column or metric name in words: "meetings_held" -> "Meetings held". */
export function words(name: string): string {
  if (WORDS[name]) return WORDS[name];
  const s = name.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The matching report's top-three rows, as people read them. */
export const CHOICE_WORDS: Record<string, string> = {
  first: '1st choice',
  second: '2nd choice',
  third: '3rd choice',
  none: 'None of their choices',
  no_choices: 'Named no choice',
  no_choice_criterion: 'Not counted: this program does not match on choices',
};

const SHARES = /^(share_|conversion_|goal_completion|milestone_completion|participant_rate|other_rate|difference|ci_|response_rate|match_rate|completion_rate|rate$|share$)/;

/** A cell as people read it: shares as percentages, other reals to two places. */
export function cellText(column: string, v: Cell): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') {
    if (column === 'test') return v === 'fisher_exact' ? 'Fisher’s exact' : 'z-test';
    if (column === 'status' && STATUS_WORDS[v]) return STATUS_WORDS[v];
    if (column === 'choice' && CHOICE_WORDS[v]) return CHOICE_WORDS[v];
    return v;
  }
  if (SHARES.test(column)) return `${(v * 100).toFixed(1).replace(/\.0$/, '')} %`;
  if (column === 'p_value') return v < 0.001 ? '< 0.001' : v.toFixed(3);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** A metric's value in a summary table, read by its name. */
export function metricText(metric: string, v: Cell): string {
  return cellText(metric, v);
}

/** The table's rows as objects keyed by column name. */
export function rowsOf(t: ReportTable): Record<string, Cell>[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c.name, r[i] as Cell])));
}

/** A summary table ("metric,value") is shown as figures, not charted. */
export function isSummary(t: ReportTable): boolean {
  return t.columns.length === 2 && t.columns[0].name === 'metric' && t.columns[1].name === 'value';
}

export interface ChartSpec {
  type: 'bar' | 'line';
  label: (r: Record<string, Cell>) => string;
  series: { column: string; name: string }[];
  percent?: boolean;
}

/** How each table is charted (none: the table alone). */
export const CHARTS: Record<string, ChartSpec> = {
  'matching.score_histogram': {
    type: 'bar',
    label: (r) => `${Number(r.from).toFixed(1)}–${Number(r.to).toFixed(1)}`,
    series: [{ column: 'pairs', name: 'Pairs' }],
  },
  'matching.mentor_load': { type: 'bar', label: (r) => `${r.mentees} mentees`, series: [{ column: 'mentors', name: 'Mentors' }] },
  'matching.unmatched': { type: 'bar', label: (r) => `${r.side}: ${words(String(r.reason))}`, series: [{ column: 'people', name: 'People' }] },
  'engagement.by_month': {
    type: 'line',
    label: (r) => String(r.month),
    series: [
      { column: 'meetings_per_relationship', name: 'Meetings per relationship' },
      { column: 'meetings_held', name: 'Meetings held' },
    ],
  },
  'phases.phases': {
    type: 'bar',
    label: (r) => String(r.name),
    series: [{ column: 'relationships_now', name: 'Relationships now' }],
  },
  'resources.resources': {
    type: 'bar',
    label: (r) => String(r.title),
    series: [
      { column: 'readers', name: 'Readers' },
      { column: 'opens', name: 'Opens' },
    ],
  },
  'resources.by_phase': {
    type: 'bar',
    label: (r) => String(r.name),
    series: [
      { column: 'readers', name: 'Readers' },
      { column: 'opens', name: 'Opens' },
    ],
  },
  'outcomes.comparison': {
    type: 'bar',
    label: (r) => words(String(r.kind)),
    series: [
      { column: 'participant_rate', name: 'Participants' },
      { column: 'other_rate', name: 'Never joined' },
    ],
    percent: true,
  },
  'satisfaction.questions': {
    type: 'bar',
    label: (r) => `${r.label} (${r.role})`,
    series: [{ column: 'mean', name: 'Mean answer' }],
  },
  'satisfaction.response_rates': {
    type: 'bar',
    label: (r) => `${r.survey} (${r.role})`,
    series: [{ column: 'response_rate', name: 'Response rate' }],
    percent: true,
  },
  'equity.groups': {
    type: 'bar',
    label: (r) => `${words(String(r.field))}: ${r.group}`,
    series: [
      { column: 'match_rate', name: 'Match rate' },
      { column: 'completion_rate', name: 'Completed, of those ended' },
    ],
    percent: true,
  },
  'equity.outcomes': {
    type: 'bar',
    label: (r) => `${words(String(r.kind))} · ${words(String(r.field))}: ${r.group}`,
    series: [{ column: 'rate', name: 'Yes' }],
    percent: true,
  },
  'at-risk.reasons': {
    type: 'bar',
    label: (r) => words(String(r.reason)),
    series: [
      { column: 'at_risk_now', name: 'At risk now' },
      { column: 'flagged_ever', name: 'Ever flagged' },
    ],
  },
  'funnel.programs': {
    type: 'bar',
    label: (r) => String(r.program),
    series: [{ column: 'conversion_to_matched', name: 'Matched, of everyone' }],
    percent: true,
  },
  'at-risk.programs': {
    type: 'bar',
    label: (r) => String(r.program),
    series: [
      { column: 'open_relationships', name: 'Open relationships' },
      { column: 'at_risk_now', name: 'At risk now' },
    ],
  },
  'outcomes.bands': {
    type: 'bar',
    label: (r) => `${words(String(r.kind))}: ${r.value}`,
    series: [
      { column: 'participants', name: 'Participants' },
      { column: 'others', name: 'Never joined' },
    ],
  },
};
