// Enrolment as the API shows it: participations and their funnel stages,
// profiles, enrolment answers, training, the funnel report and the CSV
// import report; plus the conversions between profile forms and the API.
import type { Schema } from './api';
import { PROFILE_FIELDS, type Criterion, type Program, type Question } from './program';

export const STAGES = [
  { value: 'invited', label: 'Invited' },
  { value: 'applied', label: 'Applied' },
  { value: 'approved', label: 'Approved' },
  { value: 'trained', label: 'Trained' },
  { value: 'matched', label: 'Matched' },
  { value: 'agreement_signed', label: 'Agreement signed' },
  { value: 'goals_set', label: 'Goals set' },
  { value: 'active', label: 'Active' },
  { value: 'completed', label: 'Completed' },
];
export const EXITS = [
  { value: 'declined', label: 'Declined' },
  { value: 'withdrawn', label: 'Withdrawn' },
  { value: 'ended_early', label: 'Ended early' },
];
export const ALL_STAGES = [...STAGES, ...EXITS];

export function stageLabel(s: string): string {
  return ALL_STAGES.find((x) => x.value === s)?.label || s;
}

export const PARTICIPANT_ROLES = [
  { value: 'mentee', label: 'Mentee' },
  { value: 'mentor', label: 'Mentor' },
  { value: 'coordinator', label: 'Coordinator' },
  { value: 'viewer', label: 'Viewer' },
];

export function roleLabel(r: string): string {
  return PARTICIPANT_ROLES.find((x) => x.value === r)?.label || r;
}

// ---- API shapes ---------------------------------------------------------

export type Profile = Schema<'ProfileInput'>;
export type Answers = Schema<'Answers'>;
/** Answers as a form holds them, the unanswered ones null or empty. */
export type AnswerForm = Record<string, unknown>;

export type Person = Schema<'ParticipantPerson'>;
export type Participation = Schema<'Participation'>;
export type ParticipantRow = Schema<'ParticipantRow'>;
export type TrainingList = Schema<'TrainingList'>;
export type TrainingItem = TrainingList['modules'][number];
export type Funnel = Schema<'FunnelReport'>;
export type FunnelRow = Funnel['stages'][number];
export type FunnelExit = Funnel['exits'][number];
export type ImportError = Schema<'ImportError'>;
export type ImportReport = Schema<'ImportReport'>;

// ---- questions and answers ----------------------------------------------

/** The enrolment questions asked of a role ("both" questions included). */
export function questionsFor(program: Program, role: string): Question[] {
  return (program.selection?.questions || []).filter((q) => q.role === 'both' || q.role === role);
}

/** A question's answer as text, for reading. */
export function answerText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '—';
  return String(v);
}

/** Answers the form holds, without the empty ones (the API treats them as missing). */
export function cleanAnswers(answers: AnswerForm): Answers {
  const out: Answers = {};
  for (const [k, v] of Object.entries(answers)) {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (typeof v === 'number' && Number.isNaN(v)) continue;
    out[k] = v as Answers[string];
  }
  return out;
}

// ---- profiles -----------------------------------------------------------

export type ProfileKind = 'tags' | 'value' | 'number' | 'vector' | 'time_zone' | 'text' | 'long_text';

export interface ProfileFieldInfo {
  name: string;
  label: string;
  kind: ProfileKind;
  hint?: string;
  min?: number;
  max?: number;
  step?: number;
}

const EXTRA_FIELDS: ProfileFieldInfo[] = [
  { name: 'headline', label: 'Headline', kind: 'text', hint: 'One line about you, shown to the people you may be matched with.' },
  { name: 'time_zone', label: 'Time zone', kind: 'time_zone', hint: 'A name like Europe/Lisbon or America/New_York.' },
  { name: 'bio', label: 'About you', kind: 'long_text' },
];

const NUMBER_RANGES: Record<string, { min: number; max: number; step: number; hint?: string }> = {
  utc_offset: { min: -14, max: 14, step: 0.5, hint: 'Hours from UTC, from -14 to 14.' },
  years_experience: { min: 0, max: 80, step: 1 },
  job_level: { min: 0, max: 30, step: 1 },
};

/** What the page needs to know to edit a profile field. */
export function profileField(name: string): ProfileFieldInfo {
  const extra = EXTRA_FIELDS.find((f) => f.name === name);
  if (extra) return extra;
  const f = PROFILE_FIELDS.find((x) => x.value === name);
  if (!f) return { name, label: name.replace(/_/g, ' '), kind: 'text' };
  const info: ProfileFieldInfo = { name, label: f.label, kind: f.type };
  if (f.type === 'tags') info.hint = 'Separate with commas.';
  if (f.type === 'vector') info.hint = 'Numbers, separated with commas.';
  if (f.type === 'number') Object.assign(info, NUMBER_RANGES[name] || {});
  return info;
}

function isProfileField(name: string | undefined): name is string {
  return !!name && PROFILE_FIELDS.some((f) => f.value === name);
}

/**
 * The profile fields the program's matching criteria ask of a role (the
 * server reports the same list as `asked_fields` on a participation).
 */
export function askedFields(criteria: Criterion[] | undefined, role: string): string[] {
  const out: string[] = [];
  for (const c of criteria || []) {
    const f = c.field || (role === 'mentor' ? c.mentor_field : c.mentee_field);
    if (isProfileField(f) && !out.includes(f)) out.push(f);
  }
  return out;
}

/** The fields a profile editor shows: those asked, those filled, then the general ones. */
export function editableFields(asked: string[], profile: Profile): string[] {
  const out = [...asked];
  for (const k of Object.keys(profile)) if (!out.includes(k) && k !== 'headline' && k !== 'bio' && k !== 'time_zone') out.push(k);
  for (const f of EXTRA_FIELDS) if (!out.includes(f.name)) out.push(f.name);
  return out;
}

/** The profile form holds text for tags and vectors, numbers as numbers (or null). */
export type ProfileForm = Record<string, string | number | null>;

export function profileToForm(profile: Profile, fields: string[]): ProfileForm {
  const form: ProfileForm = {};
  for (const name of fields) {
    const v = profile[name];
    const kind = profileField(name).kind;
    if (kind === 'number') form[name] = typeof v === 'number' ? v : null;
    else if (Array.isArray(v)) form[name] = v.join(', ');
    else form[name] = v === null || v === undefined ? '' : String(v);
  }
  return form;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The API profile for a form: tags split at commas, empty fields left out
 * (or null when `clear`, which removes them on PATCH). Fields the form does
 * not show are kept from `base`.
 */
export function formToProfile(form: ProfileForm, base: Profile = {}, clear = false): Profile {
  const out: Profile = { ...base };
  for (const [name, v] of Object.entries(form)) {
    const kind = profileField(name).kind;
    let value: Profile[string] = null;
    if (kind === 'number') value = typeof v === 'number' && !Number.isNaN(v) ? v : null;
    else if (kind === 'tags') value = splitList(String(v ?? ''));
    else if (kind === 'vector') value = splitList(String(v ?? '')).map((s) => (/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s));
    else value = String(v ?? '').trim();
    const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (clear) out[name] = null;
      else delete out[name];
    } else out[name] = value;
  }
  return out;
}

/** Whether a profile value counts as filled in. */
export function filled(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

// ---- dates and numbers --------------------------------------------------

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d.getTime()) ? '' : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function percent(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${Math.round(v * 100)} %`;
}

/** The time-zone names this browser knows, for suggestions; the server decides. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    return intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  } catch {
    return [];
  }
}
