// Surveys, health checks, at-risk and rematching (issue 12): the shapes
// the API answers, the words the pages use for them, and the editor's
// form of a survey.
import type { Body, Schema } from './api';

export type Survey = Schema<'Survey'>;
export type SurveyQuestion = Schema<'SurveyQuestion'>;
export type SurveyTemplate = Schema<'SurveyTemplate'>;
export type SurveyResults = Schema<'SurveyResults'>;
export type SurveyResponse = Schema<'SurveyResponse'>;
export type QuestionResult = Schema<'SurveyQuestionResult'>;
export type DueSurvey = Schema<'DueSurvey'>;
export type DueHealthCheck = Schema<'DueHealthCheck'>;
export type HealthChecks = Schema<'HealthChecks'>;
export type HealthCheck = Schema<'HealthCheck'>;
export type HealthRatings = Schema<'HealthRatings'>;
export type AtRiskItem = Schema<'AtRiskItem'>;
export type RiskReason = Schema<'RiskReason'>;
export type CoordinatorNote = Schema<'CoordinatorNote'>;
export type RematchItem = Schema<'RematchItem'>;
export type SurveyInput = Body<'/programs/{id}/surveys'>;
export type Kind = SurveyQuestion['kind'];
export type Trigger = Schema<'SurveyTrigger'>['on'];

export const KINDS: { value: Kind; label: string; hint: string }[] = [
  { value: 'likert', label: 'Agree or disagree (1–5)', hint: 'Strongly disagree 1 … strongly agree 5' },
  { value: 'nps', label: 'Recommend (0–10)', hint: 'Counts toward the net promoter score' },
  { value: 'single', label: 'One choice', hint: 'Pick one of the options' },
  { value: 'multi', label: 'Several choices', hint: 'Pick any of the options' },
  { value: 'text', label: 'Free text', hint: 'Not in anonymous surveys' },
];

export const TRIGGERS: { value: Trigger; label: string }[] = [
  { value: 'manual', label: 'When I send it' },
  { value: 'training_completed', label: 'When someone completes their training' },
  { value: 'relationship_started', label: 'Some days after a relationship starts, then every few days' },
  { value: 'midpoint', label: "At a relationship's mid-point" },
  { value: 'closure', label: 'When a relationship ends' },
  { value: 'meeting_held', label: 'After a meeting was held' },
];

export const AUDIENCES = [
  { value: 'both', label: 'Mentors and mentees' },
  { value: 'mentors', label: 'Mentors' },
  { value: 'mentees', label: 'Mentees' },
] as const;

export const LIKERT_WORDS = ['Strongly disagree', 'Disagree', 'Neither', 'Agree', 'Strongly agree'];

export const STATUS_LABELS: Record<string, string> = { draft: 'Draft', active: 'Active', closed: 'Closed' };

export const REASON_LABELS: Record<string, string> = {
  low_rating: 'Low rating',
  rating_drop: 'Ratings dropped',
  no_meeting: 'No meeting',
  pairing_fit: 'Not a good match',
  agreement_unsigned: 'Agreement not signed',
  no_goals: 'No goals',
  phase_overdue: 'Phase overdue',
};

/** When a survey is asked, in words. */
export function triggerText(t: Survey['trigger']): string {
  const days = (n: number) => (n === 1 ? '1 day' : `${n} days`);
  const after = t.after_days ? `${days(t.after_days)} after ` : '';
  switch (t.on) {
    case 'manual':
      return 'Sent by hand';
    case 'training_completed':
      return `${after || 'When '}training is completed`.replace(/^./, (c) => c.toUpperCase());
    case 'relationship_started':
      return `${days(t.after_days)} after a relationship starts${t.every_days ? `, then every ${days(t.every_days)}` : ''}${t.times ? ` (${t.times} times at most)` : ''}`;
    case 'midpoint':
      return `${after ? after + 'the' : 'At the'} mid-point of a relationship`;
    case 'closure':
      return `${after ? after + 'a' : 'When a'} relationship ends`;
    case 'meeting_held':
      return `${after || 'After '}${t.times === 1 ? 'the first meeting' : t.times ? `each of the first ${t.times} meetings` : 'each meeting held'}`;
  }
  return t.on;
}

// ---- the editor's form ----

export interface QuestionForm {
  id: string;
  kind: Kind;
  label: string;
  options: string[];
  required: boolean;
}

export interface SurveyForm {
  title: string;
  intro: string;
  anonymous: boolean;
  audience: 'both' | 'mentors' | 'mentees';
  purpose: 'feedback' | 'pairing_fit';
  status: 'draft' | 'active' | 'closed';
  on: Trigger;
  after_days: number | null;
  every_days: number | null;
  times: number | null;
  questions: QuestionForm[];
}

export function blankSurvey(): SurveyForm {
  return {
    title: '',
    intro: '',
    anonymous: false,
    audience: 'both',
    purpose: 'feedback',
    status: 'draft',
    on: 'manual',
    after_days: 0,
    every_days: 0,
    times: 0,
    questions: [{ id: 'q1', kind: 'likert', label: '', options: [], required: true }],
  };
}

export function surveyForm(s: Survey | SurveyTemplate): SurveyForm {
  return {
    title: s.title,
    intro: s.intro,
    anonymous: s.anonymous,
    audience: s.audience,
    purpose: s.purpose,
    status: 'status' in s ? s.status : 'draft',
    on: s.trigger.on,
    after_days: s.trigger.after_days,
    every_days: s.trigger.every_days,
    times: s.trigger.times,
    questions: s.questions.map((q) => ({ ...q, options: [...q.options] })),
  };
}

export function surveyBody(f: SurveyForm): SurveyInput {
  const repeats = f.on === 'relationship_started';
  return {
    title: f.title.trim(),
    intro: f.intro.trim(),
    anonymous: f.anonymous,
    audience: f.audience,
    purpose: f.purpose,
    status: f.status,
    trigger: {
      on: f.on,
      after_days: f.on === 'manual' ? 0 : f.after_days ?? 0,
      every_days: repeats ? f.every_days ?? 0 : 0,
      times: repeats || f.on === 'meeting_held' ? f.times ?? 0 : 0,
    },
    questions: f.questions.map((q) => ({
      id: q.id,
      kind: q.kind,
      label: q.label.trim(),
      required: q.required,
      options: q.kind === 'single' || q.kind === 'multi' ? q.options.map((o) => o.trim()).filter((o) => o) : [],
    })),
  };
}

/** A question id not yet taken: q1, q2 ... */
export function nextQuestionId(taken: string[]): string {
  for (let i = 1; ; i++) if (!taken.includes(`q${i}`)) return `q${i}`;
}
