// Enrolment as the API shows it: participations and their funnel stages,
// profiles, enrolment answers, training, the funnel report and the CSV
// import report; plus the conversions between profile forms and the API.
import { get, type Schema } from './api';
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
export type Invitation = Schema<'Invitation'>;
export type TimeZone = Schema<'TimeZone'>;

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

/** What a program lets people choose from for one field (selection.profile_fields). */
export type FieldChoices = Schema<'ProfileFieldChoices'>;
export type PickList = { options: string[]; other: boolean };
export type Questionnaire = { questions: { label: string; low: string; high: string }[]; scale: number };

export interface ProfileFieldInfo {
  name: string;
  label: string;
  kind: ProfileKind;
  hint?: string;
  min?: number;
  max?: number;
  step?: number;
  /** The program's list of values (tags, values). */
  pick?: PickList;
  /** The program's statements to answer (score fields). */
  questionnaire?: Questionnaire;
}

const EXTRA_FIELDS: ProfileFieldInfo[] = [
  { name: 'headline', label: 'Headline', kind: 'text', hint: 'One line about you, shown to the people you may be matched with.' },
  { name: 'time_zone', label: 'Time zone', kind: 'time_zone', hint: 'Where you work from. Meetings are planned in it.' },
  { name: 'bio', label: 'About you', kind: 'long_text' },
];

const NUMBER_RANGES: Record<string, { min: number; max: number; step: number; hint?: string }> = {
  years_experience: { min: 0, max: 80, step: 1 },
  job_level: { min: 0, max: 30, step: 1 },
};

function isPick(c: FieldChoices | undefined): c is PickList {
  return !!c && Array.isArray((c as PickList).options);
}

function isQuestionnaire(c: FieldChoices | undefined): c is Questionnaire {
  return !!c && Array.isArray((c as Questionnaire).questions);
}

/** What the page needs to know to edit a profile field in this program. */
export function profileField(name: string, program?: Program | null): ProfileFieldInfo {
  // The UTC offset is derived from the time zone: people pick a zone.
  if (name === 'utc_offset') name = 'time_zone';
  const extra = EXTRA_FIELDS.find((f) => f.name === name);
  if (extra) return extra;
  const f = PROFILE_FIELDS.find((x) => x.value === name);
  if (!f) return { name, label: name.replace(/_/g, ' '), kind: 'text' };
  const info: ProfileFieldInfo = { name, label: f.label.replace(/ \(scores\)$/, ''), kind: f.type };
  const choices = (program?.selection?.profile_fields || {})[name] as FieldChoices | undefined;
  if (f.type === 'tags') {
    if (isPick(choices) && choices.options.length) info.pick = choices;
    info.hint = info.pick ? (info.pick.other ? 'Pick all that apply, or add your own.' : 'Pick all that apply.') : 'Separate with commas.';
  }
  if (f.type === 'value' && isPick(choices) && choices.options.length) info.pick = choices;
  if (f.type === 'vector') {
    if (isQuestionnaire(choices) && choices.questions.length) info.questionnaire = choices;
    else info.hint = 'Numbers, separated with commas.';
  }
  if (f.type === 'number') Object.assign(info, NUMBER_RANGES[name] || {});
  return info;
}

function isProfileField(name: string | undefined): name is string {
  return !!name && PROFILE_FIELDS.some((f) => f.value === name);
}

function fieldsOf(criteria: Criterion[] | undefined, role: string, requiredOnly: boolean): string[] {
  const out: string[] = [];
  for (const c of criteria || []) {
    if (requiredOnly && !c.required) continue;
    const f = c.field || (role === 'mentor' ? c.mentor_field : c.mentee_field);
    if (isProfileField(f) && !out.includes(f)) out.push(f);
  }
  return out;
}

/**
 * The profile fields the program's matching criteria ask of a role (the
 * server reports the same list as `asked_fields` on a participation).
 */
export function askedFields(criteria: Criterion[] | undefined, role: string): string[] {
  return fieldsOf(criteria, role, false);
}

/**
 * The fields a required criterion uses: without them nobody is matched
 * (`required_fields` on a participation).
 */
export function requiredFields(criteria: Criterion[] | undefined, role: string): string[] {
  return fieldsOf(criteria, role, true);
}

/** The name a field is edited under: the UTC offset through the time zone. */
export function editedAs(name: string): string {
  return name === 'utc_offset' ? 'time_zone' : name;
}

/** The fields a profile editor shows: those asked, those filled, then the general ones. */
export function editableFields(asked: string[], profile: Profile): string[] {
  const out: string[] = [];
  const add = (f: string) => {
    const e = editedAs(f);
    if (!out.includes(e)) out.push(e);
  };
  asked.forEach(add);
  for (const k of Object.keys(profile)) if (k !== 'headline' && k !== 'bio') add(k);
  for (const f of EXTRA_FIELDS) add(f.name);
  return out;
}

/**
 * The profile form: text for free tags and values, a list of the picked
 * values (the program's or their own) for tags with a pick-list, numbers as
 * numbers (or null), one answer (or null) per statement of a questionnaire.
 */
export type ProfileFormValue = string | number | null | string[] | (number | null)[];
export type ProfileForm = Record<string, ProfileFormValue>;

export function profileToForm(profile: Profile, fields: string[], program?: Program | null): ProfileForm {
  const form: ProfileForm = {};
  for (const name of fields) {
    const v = profile[name];
    const f = profileField(name, program);
    if (f.kind === 'number') form[name] = typeof v === 'number' ? v : null;
    else if (f.kind === 'tags' && f.pick) form[name] = Array.isArray(v) ? v.map(String) : [];
    else if (f.kind === 'vector' && f.questionnaire) {
      const have = Array.isArray(v) ? v : [];
      form[name] = f.questionnaire.questions.map((_, i) => (typeof have[i] === 'number' ? (have[i] as number) : null));
    } else if (Array.isArray(v)) form[name] = v.join(', ');
    else form[name] = v === null || v === undefined ? '' : String(v);
  }
  return form;
}

export function splitList(text: string): string[] {
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
export function formToProfile(form: ProfileForm, base: Profile = {}, clear = false, program?: Program | null): Profile {
  const out: Profile = { ...base };
  for (const [name, v] of Object.entries(form)) {
    const f = profileField(name, program);
    let value: Profile[string] = null;
    if (f.kind === 'number') value = typeof v === 'number' && !Number.isNaN(v) ? v : null;
    else if (Array.isArray(v)) {
      // picked tags, or a questionnaire: answered only when every statement is
      const list = v as (string | number | null)[];
      value = f.kind === 'vector' ? (list.some((x) => x === null) ? [] : (list as number[])) : (list as string[]);
    } else if (f.kind === 'tags') value = splitList(String(v ?? ''));
    else if (f.kind === 'vector') value = splitList(String(v ?? '')).map((s) => (/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s));
    else value = String(v ?? '').trim();
    const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (clear) out[name] = null;
      else delete out[name];
    } else out[name] = value;
    // The offset is the server's to derive from the zone.
    if (name === 'time_zone') delete out.utc_offset;
  }
  return out;
}

/**
 * The form's own checks: a field a required criterion uses must be filled,
 * and a questionnaire answered whole. Errors by field path.
 */
export function checkProfile(form: ProfileForm, required: string[], program: Program | null, prefix = 'profile'): Record<string, string> {
  const e: Record<string, string> = {};
  for (const [name, v] of Object.entries(form)) {
    const f = profileField(name, program);
    const path = `${prefix}.${name}`;
    const isEmpty =
      v === null ||
      v === undefined ||
      (typeof v === 'string' && (f.kind === 'tags' ? splitList(v).length === 0 : v.trim() === '')) ||
      (Array.isArray(v) && (f.kind === 'vector' ? (v as unknown[]).every((x) => x === null) : v.length === 0));
    if (isEmpty && required.map(editedAs).includes(name)) {
      e[path] =
        f.kind === 'tags'
          ? `Add at least one: the program only matches people who share ${f.label.toLowerCase()}.`
          : f.kind === 'vector'
            ? 'Answer every statement: the program matches on these answers.'
            : 'Fill this in: the program matches on it.';
    } else if (f.questionnaire && Array.isArray(v) && !isEmpty && (v as unknown[]).some((x) => x === null)) {
      e[path] = 'Answer every statement, or none.';
    }
  }
  return e;
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

/** A day of the program configuration ("2027-03-10") as people read it. */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '';
  const d = new Date(`${day}T00:00:00Z`);
  return isNaN(d.getTime()) ? day : d.toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

export function percent(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${Math.round(v * 100)} %`;
}

// ---- time zones ---------------------------------------------------------

let zoneList: Promise<TimeZone[]> | null = null;

/** The zones a profile may name, from the server's tz database (once a page load). */
export function timeZoneList(): Promise<TimeZone[]> {
  if (!zoneList)
    zoneList = get('/time-zones').then(
      (r) => r.items,
      (e) => {
        zoneList = null;
        throw e;
      },
    );
  return zoneList;
}

/** "UTC+01:00" */
export function offsetText(offset: string): string {
  return `UTC${offset}`;
}

/** A zone as people look for it: its region, and the place with the offset now. */
export function zoneParts(z: TimeZone): { region: string; place: string } {
  const i = z.name.indexOf('/');
  const region = i < 0 ? 'Universal' : z.name.slice(0, i);
  const place = (i < 0 ? z.name : z.name.slice(i + 1)).replace(/_/g, ' ').replace(/\//g, ' / ');
  return { region, place: `${place} (${offsetText(z.offset)})` };
}

/** The zone this browser is in, when the server knows it. */
export function browserZone(zones: TimeZone[]): string {
  try {
    const z = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zones.some((x) => x.name === z) ? z : '';
  } catch {
    return '';
  }
}
