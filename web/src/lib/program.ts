// The program configuration as the API documents it (docs/program-config.md),
// the form model the editors work on, and the conversions between the two.
import type { Schema } from './api';
import { utf8Length } from './format';
import {
  LIMIT_ANONYMITY_THRESHOLD_MAX,
  LIMIT_ANONYMITY_THRESHOLD_MIN,
  LIMIT_CAPACITY_MAX,
  LIMIT_DURATION_MONTHS_MAX,
  LIMIT_GOALS_COUNT_MAX,
  LIMIT_GOALS_DUE_DAYS_MAX,
  LIMIT_HEALTH_CHECK_DAYS_MAX,
  LIMIT_REMINDER_DAYS_MAX,
  LIMIT_REMINDER_DAYS_MIN,
  LIMIT_REMINDER_HOURS_MAX,
  LIMIT_REMINDER_HOURS_MIN,
  LIMIT_HEALTH_CHECK_DAYS_MIN,
  LIMIT_MEETING_LENGTH_MAX,
  LIMIT_MEETING_LENGTH_MIN,
  LIMIT_MEETINGS_PER_MONTH_MAX,
  LIMIT_NAME_BYTES,
  LIMIT_PROFILE_OPTIONS,
  LIMIT_PROFILE_VECTOR_ITEMS,
  LIMIT_PROGRAM_PHASES,
  LIMIT_QUESTIONNAIRE_SCALE_MAX,
  LIMIT_RENEWALS_MAX,
  LIMIT_RENEWAL_WINDOW_DAYS_MAX,
  LIMIT_REQUEST_EXPIRY_DAYS_MAX,
  LIMIT_WANTS_MAX,
} from './limits';

export const STATUSES = ['draft', 'enrolling', 'matching', 'running', 'closed'] as const;

export const ACCESS = [
  { value: 'open', label: 'Open', hint: 'Anyone in the organisation may join.' },
  { value: 'approval', label: 'Approval required', hint: 'A coordinator reviews each application.' },
  { value: 'invite_only', label: 'Invite only', hint: 'Only people a coordinator invites may join.' },
];

export const ROLES = [
  { value: 'both', label: 'Mentors and mentees' },
  { value: 'mentor', label: 'Mentors' },
  { value: 'mentee', label: 'Mentees' },
];

export const QUESTION_TYPES = [
  { value: 'text', label: 'Short text' },
  { value: 'long_text', label: 'Long text' },
  { value: 'single_choice', label: 'Single choice' },
  { value: 'multiple_choice', label: 'Multiple choice' },
  { value: 'number', label: 'Number' },
  { value: 'scale', label: 'Scale (1–5)' },
];
export const CHOICE_TYPES = ['single_choice', 'multiple_choice'];

export const MATCHING_MODES = [
  { value: 'admin', label: 'Coordinator matches', hint: 'You run the matching engine, review its proposal and publish it.' },
  { value: 'self', label: 'Self-matching', hint: 'Mentees browse recommended mentors and send requests.' },
  { value: 'hybrid', label: 'Hybrid', hint: 'Coordinator proposals plus requests from mentees.' },
];

export const RELATIONSHIP_TYPES = [
  { value: 'one_to_one', label: 'One-to-one' },
  { value: 'group', label: 'Group (one mentor, several mentees)' },
  { value: 'peer', label: 'Peer circle' },
];

export const DIRECTIONS = [
  { value: 'senior', label: 'Senior mentors junior' },
  { value: 'peer', label: 'Peer mentoring' },
  { value: 'reverse', label: 'Reverse (junior mentors senior)' },
];

export const OBJECTIVES = [
  { value: 'total', label: 'Most pairs, then the highest total score' },
  { value: 'fair', label: 'Most pairs, then the best lowest score' },
  { value: 'stable', label: 'Stable: no mentee and mentor would rather be together' },
];

export const CRITERION_KINDS = [
  { value: 'overlap', label: 'Overlap', hint: "Share of the mentee's tags that the mentor has (e.g. needs vs expertise)." },
  { value: 'shared', label: 'Shared', hint: 'At least one tag in common (e.g. languages).' },
  { value: 'same', label: 'Same value', hint: 'Equal values (e.g. location), or different ones when reversed.' },
  { value: 'distance', label: 'Distance', hint: 'Numbers close together (e.g. time zones).' },
  { value: 'gap', label: 'Gap', hint: 'The mentor ahead of the mentee by a range (e.g. years of experience).' },
  { value: 'similarity', label: 'Similarity', hint: 'Similar score profiles (e.g. values, personality).' },
  { value: 'choice', label: "Mentee's choices", hint: "The mentee's top-three mentor choices." },
];

export const MEETING_MODES = [
  { value: 'in_person', label: 'In person' },
  { value: 'video', label: 'Video' },
  { value: 'phone', label: 'Phone' },
  { value: 'chat', label: 'Chat' },
];

export const PHASE_TEMPLATES = ['zachary', 'kram', 'lifecycle', 'rapport'] as const;
export const PHASE_TEMPLATE_LABELS: Record<string, string> = {
  zachary: 'Zachary',
  kram: 'Kram',
  lifecycle: 'Life cycle',
  rapport: 'Rapport',
  custom: 'Custom',
};

export type FieldType = 'tags' | 'value' | 'number' | 'vector';

export const PROFILE_FIELDS: { value: string; label: string; type: FieldType }[] = [
  { value: 'expertise', label: 'Expertise', type: 'tags' },
  { value: 'development_needs', label: 'Development needs', type: 'tags' },
  { value: 'languages', label: 'Languages', type: 'tags' },
  { value: 'interests', label: 'Interests', type: 'tags' },
  { value: 'communication', label: 'Communication', type: 'tags' },
  { value: 'availability', label: 'Availability', type: 'tags' },
  { value: 'location', label: 'Location', type: 'value' },
  { value: 'department', label: 'Department', type: 'value' },
  { value: 'learning_style', label: 'Learning style', type: 'value' },
  { value: 'utc_offset', label: 'Time zone (its UTC offset)', type: 'number' },
  { value: 'years_experience', label: 'Years of experience', type: 'number' },
  { value: 'job_level', label: 'Job level', type: 'number' },
  { value: 'values', label: 'Values (scores)', type: 'vector' },
  { value: 'personality', label: 'Personality (scores)', type: 'vector' },
];

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  tags: 'Tag sets',
  value: 'Values',
  number: 'Numbers',
  vector: 'Score vectors',
};

/** The "setting direction" questions that open a relationship's goal setting. */
export const DIRECTION_QUESTIONS = [
  'What is your vision, and what are your career aspirations?',
  'Where is your career now?',
  'What are your strengths and weaknesses?',
  'How would you describe your behavioural and leadership style?',
  'What are your top three goals?',
];

// ---- API shapes ---------------------------------------------------------

export interface Measure {
  name: string;
  unit?: string;
  baseline?: number | null;
  target?: number | null;
  tracks?: string;
  by?: string | null;
}

/** What a measurable objective can track (domain/program.h: program_measures), besides "outcome:KIND". */
export const MEASURES: { value: string; label: string; unit: string }[] = [
  { value: 'match_rate', label: 'Mentees matched, of those approved', unit: '%' },
  { value: 'share_active', label: 'Relationships active in the last 30 days', unit: '%' },
  { value: 'share_meeting_guideline', label: 'Relationships meeting the guideline', unit: '%' },
  { value: 'goal_completion', label: 'Goal completion', unit: '%' },
  { value: 'nps', label: 'Net promoter score of the surveys', unit: '' },
  { value: 'mean_rating', label: 'Mean survey rating (1–5)', unit: '' },
];

export interface Question {
  id: string;
  role: string;
  type: string;
  label: string;
  required: boolean;
  options: string[];
}

export interface Criterion {
  name: string;
  kind: string;
  field?: string;
  mentee_field?: string;
  mentor_field?: string;
  weight?: number;
  required?: boolean;
  scale?: number;
  min?: number;
  max?: number;
  different?: boolean;
}

export interface TrainingModule {
  id: string;
  role: string;
  title: string;
  content_md: string;
  questions?: unknown[];
}

export interface Phase {
  name: string;
  key_actions: string[];
  timeframe_days: number | null;
  resources: string[];
  exit_criteria: string[];
}

export interface Dates {
  enrolment_opens?: string;
  enrolment_closes?: string;
  matching_date?: string;
  starts?: string;
  ends?: string;
}

// A program as the API returns it, and a page of the program list
// (docs/openapi.json); the interfaces above are what the forms send.
export type Program = Schema<'Program'>;
export type ProgramListItem = Schema<'ProgramSummary'>;
export type PhaseTemplates = Schema<'PhaseTemplates'>;

// ---- the form model -----------------------------------------------------

export interface QuestionForm extends Question {
  /** The id still follows the label (the person has not typed one). */
  autoId: boolean;
}

export interface CriterionForm {
  name: string;
  autoName: boolean;
  kind: string;
  /** Mentee and mentor sides name different fields. */
  split: boolean;
  field: string;
  mentee_field: string;
  mentor_field: string;
  weight: number | null;
  required: boolean;
  scale: number | null;
  min: number | null;
  max: number | null;
  different: boolean;
}

export interface ModuleForm extends TrainingModule {
  autoId: boolean;
}

export interface MeasureForm {
  name: string;
  unit: string;
  baseline: number | null;
  target: number | null;
  /** '' (not measured), one of MEASURES, or 'outcome' with `outcome` the kind. */
  tracks: string;
  outcome: string;
  by: string;
}

/** What people choose from for the profile fields (selection.profile_fields), as the editor holds it. */
export interface PickListForm {
  options: string[];
  other: boolean;
}
export interface QuestionnaireForm {
  questions: { label: string; low: string; high: string }[];
  scale: number | null;
}

export interface ProgramForm {
  name: string;
  description: string;
  status: string;
  objectives: { summary: string; measures: MeasureForm[] };
  selection: {
    access: string;
    mentor_voluntary: boolean;
    default_capacity: number | null;
    default_wants: number | null;
    questions: QuestionForm[];
    pick_lists: Record<string, PickListForm>;
    questionnaires: Record<string, QuestionnaireForm>;
  };
  matching: {
    mode: string;
    relationship_type: string;
    direction: string;
    objective: string;
    min_score: number | null;
    power_differential_rule: boolean;
    max_mentors_per_mentee: number | null;
    request_expiry_days: number | null;
    criteria: CriterionForm[];
  };
  training: { required_before_matching: boolean; modules: ModuleForm[] };
  meetings: { frequency_per_month: number | null; length_minutes: number | null; modes: string[] };
  goals: { count: number | null; due_days: number | null; questions: string[] };
  duration_months: number | null;
  renewals: number | null;
  renewal_window_days: number | null;
  phases: { template: string; items: Phase[] };
  dates: Required<{ [K in keyof Dates]: string }>;
  surveys: { anonymity_threshold: number | null; health_check_days: number | null };
  alerts: { webhook_url: string };
  reminders: Record<ReminderRule, ReminderForm>;
  /** The fields the equity report also groups by (reports.equity_groups). */
  reports: { equity_groups: string[] };
}

/** What the equity report may group by besides department, job level and
 * location: the program's single-choice and scale questions (by id), and
 * three fields of the profile or the person (the server's
 * program_group_field_problem). */
export function equityGroupOptions(f: ProgramForm): { value: string; label: string }[] {
  const qs = f.selection.questions
    .filter((q) => (q.type === 'single_choice' || q.type === 'scale') && q.id)
    .map((q) => ({ value: q.id, label: `Answer to “${q.label || q.id}”` }));
  return [
    ...qs,
    { value: 'learning_style', label: 'Learning style (profile)' },
    { value: 'time_zone', label: 'Time zone' },
    { value: 'job_title', label: 'Job title' },
  ];
}

// ---- reminder rules (docs/internals/reminders.md) -------------------------

export type ReminderRule =
  | 'agreement_unsigned'
  | 'no_goals'
  | 'meeting_soon'
  | 'no_meeting'
  | 'request_pending'
  | 'survey_unanswered'
  | 'phase_overdue'
  | 'inactive';

export interface ReminderForm {
  enabled: boolean;
  n: number | null; // days or hours (unit below); null for a rule with no N of its own
}

/** The rules, in the order the settings show them, with their defaults
 * (the server's, src/domain/program.c). */
export const REMINDER_RULES: { rule: ReminderRule; unit: 'days' | 'hours' | null; enabled: boolean; n: number | null }[] = [
  { rule: 'agreement_unsigned', unit: 'days', enabled: true, n: 7 },
  { rule: 'no_goals', unit: 'days', enabled: true, n: 14 },
  { rule: 'meeting_soon', unit: 'hours', enabled: true, n: 24 },
  { rule: 'no_meeting', unit: null, enabled: true, n: null },
  { rule: 'request_pending', unit: 'days', enabled: true, n: 3 },
  { rule: 'survey_unanswered', unit: 'days', enabled: true, n: 3 },
  { rule: 'phase_overdue', unit: null, enabled: true, n: null },
  { rule: 'inactive', unit: 'days', enabled: false, n: 30 },
];

function defaultReminders(): Record<ReminderRule, ReminderForm> {
  const out = {} as Record<ReminderRule, ReminderForm>;
  for (const r of REMINDER_RULES) out[r.rule] = { enabled: r.enabled, n: r.n };
  return out;
}

function remindersFromApi(api: Record<string, Record<string, unknown>> | undefined): Record<ReminderRule, ReminderForm> {
  const out = defaultReminders();
  for (const r of REMINDER_RULES) {
    const got = api?.[r.rule];
    if (!got) continue;
    out[r.rule] = {
      enabled: typeof got.enabled === 'boolean' ? got.enabled : r.enabled,
      n: r.unit ? num(got[r.unit], r.n) : null,
    };
  }
  return out;
}

function remindersToApi(f: Record<ReminderRule, ReminderForm>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const r of REMINDER_RULES) {
    const v = f[r.rule];
    out[r.rule] = r.unit ? { enabled: v.enabled, [r.unit]: v.n } : { enabled: v.enabled };
  }
  return out;
}

export function slug(text: string, fallback: string): string {
  const s = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  return s || fallback;
}

export function uniqueId(base: string, taken: string[]): string {
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base}_${i}`)) return `${base}_${i}`;
}

export function newQuestion(taken: string[]): QuestionForm {
  return { id: uniqueId('question', taken), role: 'both', type: 'text', label: '', required: false, options: [], autoId: true };
}

export function newCriterion(kind = 'overlap'): CriterionForm {
  const c: CriterionForm = {
    name: '',
    autoName: true,
    kind,
    split: kind === 'overlap',
    field: '',
    mentee_field: '',
    mentor_field: '',
    weight: 1,
    required: false,
    scale: null,
    min: null,
    max: null,
    different: false,
  };
  return c;
}

export function newModule(taken: string[]): ModuleForm {
  return { id: uniqueId('module', taken), role: 'both', title: '', content_md: '', questions: [], autoId: true };
}

export function newPhase(): Phase {
  return { name: '', key_actions: [], timeframe_days: 30, resources: [], exit_criteria: [] };
}

export function clonePhases(items: Phase[] | undefined): Phase[] {
  return (items || []).map((p) => ({
    name: p.name,
    key_actions: [...(p.key_actions || [])],
    timeframe_days: p.timeframe_days ?? null,
    resources: [...(p.resources || [])],
    exit_criteria: [...(p.exit_criteria || [])],
  }));
}

/** A criterion's name follows its fields until the person types one. */
export function criterionAutoName(c: CriterionForm): string {
  if (c.kind === 'choice') return 'choices';
  if (c.kind === 'overlap' || c.split) {
    if (c.mentee_field && c.mentor_field) return `${c.mentee_field}_${c.mentor_field}`;
    return c.mentor_field || c.mentee_field || c.kind;
  }
  return c.field || c.kind;
}

export function defaultForm(): ProgramForm {
  return {
    name: '',
    description: '',
    status: 'draft',
    objectives: { summary: '', measures: [] },
    selection: {
      access: 'approval',
      mentor_voluntary: true,
      default_capacity: 2,
      default_wants: 1,
      questions: [
        {
          id: 'motivation',
          role: 'both',
          type: 'long_text',
          label: 'Why do you want to take part?',
          required: true,
          options: [],
          autoId: false,
        },
      ],
      pick_lists: {},
      questionnaires: {},
    },
    matching: {
      mode: 'admin',
      relationship_type: 'one_to_one',
      direction: 'senior',
      objective: 'total',
      min_score: 0,
      power_differential_rule: true,
      max_mentors_per_mentee: 1,
      request_expiry_days: 7,
      criteria: [
        {
          ...newCriterion('overlap'),
          name: 'skills',
          autoName: false,
          mentee_field: 'development_needs',
          mentor_field: 'expertise',
          weight: 3,
        },
        {
          ...newCriterion('shared'),
          name: 'language',
          autoName: false,
          field: 'languages',
          weight: 1,
          required: true,
        },
      ],
    },
    training: { required_before_matching: true, modules: [] },
    meetings: { frequency_per_month: 2, length_minutes: 60, modes: ['video', 'in_person'] },
    goals: { count: 3, due_days: 30, questions: [...DIRECTION_QUESTIONS] },
    duration_months: 12,
    renewals: 1,
    renewal_window_days: 30,
    phases: { template: 'zachary', items: [] },
    dates: { enrolment_opens: '', enrolment_closes: '', matching_date: '', starts: '', ends: '' },
    surveys: { anonymity_threshold: 5, health_check_days: 30 },
    alerts: { webhook_url: '' },
    reminders: defaultReminders(),
    reports: { equity_groups: [] },
  };
}

const num = (v: unknown, d: number | null = null): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : d;

export function fromApi(p: Program): ProgramForm {
  const d = defaultForm();
  const m = p.matching || d.matching;
  return {
    name: p.name || '',
    description: p.description || '',
    status: p.status || 'draft',
    objectives: {
      summary: p.objectives?.summary || '',
      measures: (p.objectives?.measures || []).map((x) => ({
        name: x.name || '',
        unit: x.unit || '',
        baseline: num(x.baseline),
        target: num(x.target),
        tracks: (x.tracks || '').startsWith('outcome:') ? 'outcome' : x.tracks || '',
        outcome: (x.tracks || '').startsWith('outcome:') ? (x.tracks || '').slice(8) : '',
        by: x.by || '',
      })),
    },
    selection: {
      access: p.selection?.access || 'approval',
      mentor_voluntary: p.selection?.mentor_voluntary ?? true,
      default_capacity: num(p.selection?.default_capacity, 2),
      default_wants: num(p.selection?.default_wants, 1),
      questions: (p.selection?.questions || []).map((q) => ({
        id: q.id,
        role: q.role || 'both',
        type: q.type || 'text',
        label: q.label || '',
        required: !!q.required,
        options: [...(q.options || [])],
        autoId: false,
      })),
      ...choicesFromApi(p.selection?.profile_fields),
    },
    matching: {
      mode: m.mode || 'admin',
      relationship_type: m.relationship_type || 'one_to_one',
      direction: m.direction || 'senior',
      objective: m.objective || 'total',
      min_score: num(m.min_score, 0),
      power_differential_rule: m.power_differential_rule ?? true,
      max_mentors_per_mentee: num(m.max_mentors_per_mentee, 1),
      request_expiry_days: num(m.request_expiry_days, 7),
      criteria: (m.criteria || []).map((c) => {
        const split = c.kind === 'overlap' || (!c.field && !!(c.mentee_field || c.mentor_field));
        return {
          name: c.name || '',
          autoName: false,
          kind: c.kind,
          split,
          field: c.field || '',
          mentee_field: c.mentee_field || '',
          mentor_field: c.mentor_field || '',
          weight: num(c.weight, 1),
          required: !!c.required,
          scale: num(c.scale),
          min: num(c.min),
          max: num(c.max),
          different: !!c.different,
        };
      }),
    },
    training: {
      required_before_matching: !!p.training?.required_before_matching,
      modules: (p.training?.modules || []).map((x) => ({
        id: x.id,
        role: x.role || 'both',
        title: x.title || '',
        content_md: x.content_md || '',
        questions: x.questions || [],
        autoId: false,
      })),
    },
    meetings: {
      frequency_per_month: num(p.meetings?.frequency_per_month, 2),
      length_minutes: num(p.meetings?.length_minutes, 60),
      modes: [...(p.meetings?.modes || [])],
    },
    goals: {
      count: num(p.goals?.count, 3),
      due_days: num(p.goals?.due_days, 30),
      questions: [...(p.goals?.questions || [])],
    },
    duration_months: num(p.duration_months, 12),
    renewals: num(p.renewals, 1),
    renewal_window_days: num(p.renewal_window_days, 30),
    phases: { template: p.phases?.template || 'zachary', items: clonePhases(p.phases?.items) },
    dates: {
      enrolment_opens: p.dates?.enrolment_opens || '',
      enrolment_closes: p.dates?.enrolment_closes || '',
      matching_date: p.dates?.matching_date || '',
      starts: p.dates?.starts || '',
      ends: p.dates?.ends || '',
    },
    surveys: {
      anonymity_threshold: num(p.surveys?.anonymity_threshold, 5),
      health_check_days: num(p.surveys?.health_check_days, 30),
    },
    alerts: { webhook_url: p.alerts?.webhook_url || '' },
    reminders: remindersFromApi(p.reminders as Record<string, Record<string, unknown>> | undefined),
    reports: { equity_groups: [...(p.reports?.equity_groups || [])] },
  };
}

function choicesFromApi(pf: Record<string, Schema<'ProfileFieldChoices'>> | undefined) {
  const pick_lists: Record<string, PickListForm> = {};
  const questionnaires: Record<string, QuestionnaireForm> = {};
  for (const [name, c] of Object.entries(pf || {})) {
    if ('options' in c) pick_lists[name] = { options: [...c.options], other: !!c.other };
    else questionnaires[name] = { questions: c.questions.map((q) => ({ ...q })), scale: c.scale };
  }
  return { pick_lists, questionnaires };
}

/** The profile fields the criteria compare, in order (mentee's field first). */
export function criteriaFields(criteria: CriterionForm[]): string[] {
  const out: string[] = [];
  for (const c of criteria) {
    if (c.kind === 'choice') continue;
    const fs = c.kind === 'overlap' || c.split ? [c.mentee_field, c.mentor_field] : [c.field];
    for (const f of fs) if (f && PROFILE_FIELDS.some((x) => x.value === f) && !out.includes(f)) out.push(f);
  }
  return out;
}

/** The kind of choices a profile field takes: a pick-list, a questionnaire, or none. */
export function choicesKind(field: string): 'pick' | 'questionnaire' | null {
  const t = PROFILE_FIELDS.find((x) => x.value === field)?.type;
  return t === 'tags' || t === 'value' ? 'pick' : t === 'vector' ? 'questionnaire' : null;
}

function choicesToApi(f: ProgramForm): Record<string, unknown> {
  const used = criteriaFields(f.matching.criteria);
  const out: Record<string, unknown> = {};
  // Choices for a field no criterion uses any more are kept (they still
  // shape the profile form); an empty questionnaire leaves the program's
  // own default statements to the server.
  for (const [name, c] of Object.entries(f.selection.pick_lists))
    out[name] = { options: c.options.map((o) => o.trim()), other: c.other };
  for (const [name, c] of Object.entries(f.selection.questionnaires))
    if (c.questions.length || !used.includes(name))
      out[name] = {
        questions: c.questions.map((q) => ({ label: q.label.trim(), low: q.low.trim(), high: q.high.trim() })),
        scale: c.scale ?? 5,
      };
  return out;
}

function criterionToApi(c: CriterionForm): Criterion {
  const out: Criterion = {
    name: c.name.trim() || criterionAutoName(c),
    kind: c.kind,
  };
  if (c.kind !== 'choice') {
    if (c.kind === 'overlap' || c.split) {
      out.mentee_field = c.mentee_field;
      out.mentor_field = c.mentor_field;
    } else {
      out.field = c.field;
    }
  }
  out.weight = c.weight ?? 1;
  out.required = c.required;
  if (c.kind === 'distance' && c.scale !== null) out.scale = c.scale;
  if (c.kind === 'gap') {
    if (c.min !== null) out.min = c.min;
    if (c.max !== null) out.max = c.max;
    if (c.scale !== null) out.scale = c.scale;
  }
  if (c.kind === 'same') out.different = c.different;
  return out;
}

/** The request body for POST (and, with status, for PATCH). */
export function toApi(f: ProgramForm, opts: { status?: boolean } = {}): Record<string, unknown> {
  const dates: Dates = {};
  for (const [k, v] of Object.entries(f.dates)) if (v) dates[k as keyof Dates] = v;
  const body: Record<string, unknown> = {
    name: f.name.trim(),
    description: f.description.trim(),
    objectives: {
      summary: f.objectives.summary.trim(),
      measures: f.objectives.measures.map((m) => {
        const out: Measure = { name: m.name.trim(), unit: m.unit.trim() };
        if (m.baseline !== null) out.baseline = m.baseline;
        if (m.target !== null) out.target = m.target;
        out.tracks = m.tracks === 'outcome' ? `outcome:${m.outcome.trim()}` : m.tracks;
        out.by = m.by || null;
        return out;
      }),
    },
    selection: {
      access: f.selection.access,
      mentor_voluntary: f.selection.mentor_voluntary,
      default_capacity: f.selection.default_capacity,
      default_wants: f.selection.default_wants,
      questions: f.selection.questions.map((q) => ({
        id: q.id.trim(),
        role: q.role,
        type: q.type,
        label: q.label.trim(),
        required: q.required,
        options: CHOICE_TYPES.includes(q.type) ? q.options.map((o) => o.trim()) : [],
      })),
      profile_fields: choicesToApi(f),
    },
    matching: {
      mode: f.matching.mode,
      relationship_type: f.matching.relationship_type,
      direction: f.matching.direction,
      objective: f.matching.objective,
      min_score: f.matching.min_score ?? 0,
      power_differential_rule: f.matching.power_differential_rule,
      max_mentors_per_mentee: f.matching.max_mentors_per_mentee,
      request_expiry_days: f.matching.request_expiry_days,
      criteria: f.matching.criteria.map(criterionToApi),
    },
    training: {
      required_before_matching: f.training.required_before_matching,
      modules: f.training.modules.map((m) => ({
        id: m.id.trim(),
        role: m.role,
        title: m.title.trim(),
        content_md: m.content_md,
        questions: m.questions || [],
      })),
    },
    meetings: {
      frequency_per_month: f.meetings.frequency_per_month,
      length_minutes: f.meetings.length_minutes,
      modes: [...f.meetings.modes],
    },
    goals: {
      count: f.goals.count,
      due_days: f.goals.due_days,
      questions: f.goals.questions.map((q) => q.trim()).filter((q) => q),
    },
    duration_months: f.duration_months,
    renewals: f.renewals,
    renewal_window_days: f.renewal_window_days,
    phases:
      f.phases.template === 'custom'
        ? {
            template: 'custom',
            items: f.phases.items.map((p) => ({
              name: p.name.trim(),
              key_actions: p.key_actions.map((s) => s.trim()).filter((s) => s),
              timeframe_days: p.timeframe_days,
              resources: p.resources.map((s) => s.trim()).filter((s) => s),
              exit_criteria: p.exit_criteria.map((s) => s.trim()).filter((s) => s),
            })),
          }
        : { template: f.phases.template },
    dates,
    surveys: { anonymity_threshold: f.surveys.anonymity_threshold, health_check_days: f.surveys.health_check_days },
    alerts: { webhook_url: f.alerts.webhook_url.trim() },
    reminders: remindersToApi(f.reminders),
    // A group field whose question was removed goes with it.
    reports: { equity_groups: f.reports.equity_groups.filter((g) => equityGroupOptions(f).some((o) => o.value === g)) },
  };
  if (opts.status) body.status = f.status;
  return body;
}

// ---- client-side checks -------------------------------------------------
// The server is the authority; these catch the obvious slips early and use
// the same field paths as its problem+json answers.

export type Errors = Record<string, string>;

function isInt(v: number | null): v is number {
  return v !== null && Number.isInteger(v);
}

function intIn(errs: Errors, path: string, v: number | null, lo: number, hi: number, what: string) {
  if (v === null || v === undefined) errs[path] = `Enter ${what}.`;
  else if (!isInt(v) || v < lo || v > hi) errs[path] = `Enter a whole number from ${lo} to ${hi}.`;
}

export const SECTIONS = [
  'basics',
  'objectives',
  'selection',
  'matching',
  'training',
  'meetings',
  'goals',
  'duration',
  'dates',
  'surveys',
  'alerts',
  'reminders',
] as const;
export type Section = (typeof SECTIONS)[number];

/** Which form section a field path belongs to. */
export function sectionOf(path: string): Section {
  const head = path.split(/[.[]/)[0];
  // The profile fields' choices are edited beside the criteria that use them.
  if (path.startsWith('selection.profile_fields')) return 'matching';
  switch (head) {
    case 'name':
    case 'description':
    case 'status':
      return 'basics';
    case 'duration_months':
    case 'renewals':
    case 'renewal_window_days':
    case 'phases':
      return 'duration';
    case 'reports':
      return 'surveys';
    default:
      return (SECTIONS as readonly string[]).includes(head) ? (head as Section) : 'basics';
  }
}

export function validate(f: ProgramForm, only?: Section[]): Errors {
  const e: Errors = {};
  const want = (s: Section) => !only || only.includes(s);

  if (want('basics')) {
    if (!f.name.trim()) e['name'] = 'Enter a name for the program.';
    else if (utf8Length(f.name.trim()) > LIMIT_NAME_BYTES) e['name'] = `Keep the name under ${LIMIT_NAME_BYTES} characters.`;
  }

  if (want('objectives')) {
    f.objectives.measures.forEach((m, i) => {
      if (!m.name.trim()) e[`objectives.measures[${i}].name`] = 'Say what is measured, or remove this objective.';
      if (m.target === null || m.target === undefined) e[`objectives.measures[${i}].target`] = 'Enter the target.';
      if (m.tracks === 'outcome' && !/^[a-z0-9_]+$/.test(m.outcome.trim()))
        e[`objectives.measures[${i}].tracks`] = 'Name the outcome kind as it is imported, e.g. retention_12m.';
    });
  }

  if (want('selection')) {
    intIn(e, 'selection.default_capacity', f.selection.default_capacity, 1, LIMIT_CAPACITY_MAX, 'a capacity');
    intIn(e, 'selection.default_wants', f.selection.default_wants, 1, LIMIT_WANTS_MAX, 'a number of mentors');
    const seen: string[] = [];
    f.selection.questions.forEach((q, i) => {
      const p = `selection.questions[${i}]`;
      if (!q.label.trim()) e[`${p}.label`] = 'Enter the question.';
      if (!/^[a-z0-9_]+$/.test(q.id.trim())) e[`${p}.id`] = 'Use lower-case letters, digits and _ only.';
      else if (seen.includes(q.id.trim())) e[`${p}.id`] = 'Another question already uses this key.';
      seen.push(q.id.trim());
      if (CHOICE_TYPES.includes(q.type)) {
        const opts = q.options.map((o) => o.trim());
        if (opts.filter((o) => o).length < 2) e[`${p}.options`] = 'Give at least two options.';
        else if (opts.some((o) => !o)) e[`${p}.options`] = 'Fill in or remove the empty option.';
      }
    });
  }

  if (want('matching')) {
    if (f.matching.mode !== 'admin') {
      intIn(e, 'matching.max_mentors_per_mentee', f.matching.max_mentors_per_mentee, 1, LIMIT_WANTS_MAX, 'a number of mentors');
      intIn(e, 'matching.request_expiry_days', f.matching.request_expiry_days, 1, LIMIT_REQUEST_EXPIRY_DAYS_MAX, 'a number of days');
    }
    const ms = f.matching.min_score;
    if (ms === null || ms === undefined || !(ms >= 0 && ms <= 1)) e['matching.min_score'] = 'Enter a score from 0 to 1.';
    const names: string[] = [];
    f.matching.criteria.forEach((c, i) => {
      const p = `matching.criteria[${i}]`;
      const name = c.name.trim() || criterionAutoName(c);
      if (names.includes(name)) e[`${p}.name`] = 'Another criterion already has this name.';
      names.push(name);
      if (c.weight === null || c.weight === undefined) e[`${p}.weight`] = 'Enter a weight.';
      else if (!(c.weight >= 0)) e[`${p}.weight`] = 'The weight must be 0 or more.';
      if (c.kind !== 'choice') {
        if (c.kind === 'overlap' || c.split) {
          if (!c.mentee_field) e[`${p}.mentee_field`] = 'Choose the mentee field.';
          if (!c.mentor_field) e[`${p}.mentor_field`] = 'Choose the mentor field.';
        } else if (!c.field) e[`${p}.field`] = 'Choose a field.';
      }
      if (c.kind === 'distance' && !(c.scale !== null && c.scale > 0)) e[`${p}.scale`] = 'Enter a scale above 0.';
      if (c.kind === 'gap') {
        if (c.scale !== null && !(c.scale > 0)) e[`${p}.scale`] = 'The scale must be above 0.';
        if (c.min === null) e[`${p}.min`] = 'Enter the smallest gap.';
        if (c.max === null) e[`${p}.max`] = 'Enter the largest gap.';
        else if (c.min !== null && c.min > c.max) e[`${p}.max`] = 'The largest gap must not be below the smallest.';
      }
    });
  }

  if (want('matching')) {
    for (const [name, c] of Object.entries(f.selection.pick_lists)) {
      const p = `selection.profile_fields.${name}`;
      const opts = c.options.map((o) => o.trim());
      if (opts.filter(Boolean).length === 0) e[`${p}.options`] = 'List at least one value, or let people type their own.';
      else if (opts.length > LIMIT_PROFILE_OPTIONS) e[`${p}.options`] = `Keep it to ${LIMIT_PROFILE_OPTIONS} values.`;
      opts.forEach((o, i) => {
        if (!o) e[`${p}.options[${i}]`] = 'Fill in or remove the empty value.';
        else if (opts.indexOf(o) !== i) e[`${p}.options[${i}]`] = 'This value is listed already.';
      });
    }
    for (const [name, c] of Object.entries(f.selection.questionnaires)) {
      const p = `selection.profile_fields.${name}`;
      if (c.questions.length > LIMIT_PROFILE_VECTOR_ITEMS) e[`${p}.questions`] = `Keep it to ${LIMIT_PROFILE_VECTOR_ITEMS} statements.`;
      c.questions.forEach((q, i) => {
        if (!q.label.trim()) e[`${p}.questions[${i}].label`] = 'Write the statement, or remove it.';
      });
      if (c.questions.length) intIn(e, `${p}.scale`, c.scale, 2, LIMIT_QUESTIONNAIRE_SCALE_MAX, 'the top of the scale');
    }
  }

  if (want('training')) {
    f.training.modules.forEach((m, i) => {
      if (!m.title.trim()) e[`training.modules[${i}].title`] = 'Enter a title.';
    });
  }

  if (want('meetings')) {
    intIn(e, 'meetings.frequency_per_month', f.meetings.frequency_per_month, 1, LIMIT_MEETINGS_PER_MONTH_MAX, 'how many meetings a month');
    intIn(e, 'meetings.length_minutes', f.meetings.length_minutes, LIMIT_MEETING_LENGTH_MIN, LIMIT_MEETING_LENGTH_MAX, 'the length in minutes');
    if (f.meetings.modes.length === 0) e['meetings.modes'] = 'Choose at least one way to meet.';
  }

  if (want('goals')) {
    intIn(e, 'goals.count', f.goals.count, 1, LIMIT_GOALS_COUNT_MAX, 'how many goals');
    intIn(e, 'goals.due_days', f.goals.due_days, 1, LIMIT_GOALS_DUE_DAYS_MAX, 'a number of days');
  }

  if (want('surveys')) {
    intIn(e, 'surveys.anonymity_threshold', f.surveys.anonymity_threshold, LIMIT_ANONYMITY_THRESHOLD_MIN, LIMIT_ANONYMITY_THRESHOLD_MAX, 'the fewest responses to show');
    intIn(e, 'surveys.health_check_days', f.surveys.health_check_days, LIMIT_HEALTH_CHECK_DAYS_MIN, LIMIT_HEALTH_CHECK_DAYS_MAX, 'a number of days');
  }

  if (want('alerts')) {
    const u = f.alerts.webhook_url.trim();
    if (u && !/^https:\/\/[^/?#@\s]+/.test(u) && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])([:/?#]|$)/.test(u))
      e['alerts.webhook_url'] = 'Give the webhook as an https:// address (the chat service shows it when you add an incoming webhook).';
  }

  if (want('reminders')) {
    for (const r of REMINDER_RULES) {
      if (!r.unit || !f.reminders[r.rule].enabled) continue;
      const hours = r.unit === 'hours';
      intIn(e, `reminders.${r.rule}.${r.unit}`, f.reminders[r.rule].n,
        hours ? LIMIT_REMINDER_HOURS_MIN : LIMIT_REMINDER_DAYS_MIN,
        hours ? LIMIT_REMINDER_HOURS_MAX : LIMIT_REMINDER_DAYS_MAX, `a number of ${r.unit}`);
    }
  }

  if (want('duration')) {
    intIn(e, 'duration_months', f.duration_months, 1, LIMIT_DURATION_MONTHS_MAX, 'the duration in months');
    intIn(e, 'renewals', f.renewals, 0, LIMIT_RENEWALS_MAX, 'how many renewals');
    intIn(e, 'renewal_window_days', f.renewal_window_days, 1, LIMIT_RENEWAL_WINDOW_DAYS_MAX, 'a number of days');
    if (f.phases.template === 'custom') {
      if (f.phases.items.length < 1 || f.phases.items.length > LIMIT_PROGRAM_PHASES)
        e['phases.items'] = `A custom model needs 1 to ${LIMIT_PROGRAM_PHASES} phases.`;
      f.phases.items.forEach((ph, i) => {
        if (!ph.name.trim()) e[`phases.items[${i}].name`] = 'Enter the phase name.';
        const t = ph.timeframe_days;
        if (t !== null && (!isInt(t) || t < 1)) e[`phases.items[${i}].timeframe_days`] = 'Enter a whole number of days.';
      });
    }
  }

  return e;
}

// ---- the matching in people's words ---------------------------------------

function fieldWords(f: string | undefined): string {
  const words: Record<string, string> = {
    expertise: 'expertise',
    development_needs: 'what they want to learn',
    languages: 'languages',
    interests: 'interests',
    communication: 'ways of communicating',
    availability: 'availability',
    location: 'location',
    department: 'department',
    learning_style: 'learning style',
    utc_offset: 'time zone',
    years_experience: 'years of experience',
    job_level: 'job level',
    values: 'values',
    personality: 'working style',
  };
  return (f && words[f]) || (f || '').replace(/_/g, ' ');
}

/**
 * What one criterion looks for, as a sentence for the people being
 * matched: no weights, no scales, no scores.
 */
export function criterionWords(c: Criterion, questions: { id: string; label: string }[] = []): string {
  const q = (f?: string) => questions.find((x) => x.id === f)?.label;
  const w = (f?: string) => (q(f) ? `the answer to “${q(f)}”` : fieldWords(f));
  switch (c.kind) {
    case 'overlap':
      return `A mentor whose ${w(c.mentor_field)} covers ${
        c.mentee_field === 'development_needs' ? 'what the mentee wants to learn' : `the mentee's ${w(c.mentee_field)}`
      }`;
    case 'shared':
      return c.field === 'languages' ? 'At least one language in common' : `At least one of the same ${w(c.field)}`;
    case 'same':
      return c.different ? `A different ${w(c.field)}` : `The same ${w(c.field)}`;
    case 'distance':
      return c.field === 'utc_offset' ? 'Time zones close to each other, so meetings fit both days' : `A similar ${w(c.field)}`;
    case 'gap':
      return `A mentor ahead in ${w(c.field)}${c.min !== undefined && c.max !== undefined ? ` (by ${c.min} to ${c.max})` : ''}`;
    case 'similarity':
      return `Similar answers about ${w(c.field || c.mentee_field)}`;
    case 'choice':
      return 'The mentors a mentee chose';
    default:
      return c.name;
  }
}

/** The criteria in people's words, the ones that weigh most first. */
export function matchingInWords(p: Program): { text: string; required: boolean; most: boolean }[] {
  const criteria = [...(p.matching?.criteria || [])].filter((c) => (c.weight ?? 1) > 0 || c.required);
  const top = Math.max(0, ...criteria.map((c) => c.weight ?? 1));
  const lead = criteria.filter((c) => (c.weight ?? 1) === top).length;
  return criteria
    .sort((a, b) => (b.weight ?? 1) - (a.weight ?? 1))
    .map((c) => ({
      text: criterionWords(c, p.selection?.questions || []),
      required: !!c.required,
      most: lead < criteria.length && (c.weight ?? 1) === top,
    }));
}
