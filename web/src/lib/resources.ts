// The help library and recognition, as the UI reads them (docs/openapi.json:
// Resource, ResourceList, Recognition, Badges).
import type { Schema } from './api';

export type Resource = Schema<'Resource'>;
export type ResourceList = Schema<'ResourceList'>;
export type Recognition = Schema<'Recognition'>;
export type Milestone = Schema<'RecognitionMilestone'>;
export type Kudos = Schema<'Kudos'>;
export type Highlight = Schema<'Highlight'>;
export type Badges = Schema<'Badges'>;

export const ROLE_WORDS: Record<string, string> = { mentor: 'Mentors', mentee: 'Mentees' };

/** "For mentors and mentees", "For mentees". */
export function forWhom(roles: string[]): string {
  const words = roles.map((r) => (ROLE_WORDS[r] || r).toLowerCase());
  return words.length ? `For ${words.join(' and ')}` : '';
}

/** The page of one resource, read in a program's library when given. */
export function resourceHref(r: { id: number }, programId?: number | null): string {
  return programId ? `/resources/${r.id}?program=${programId}` : `/resources/${r.id}`;
}

/** Tags typed as "a, b, c" → ["a", "b", "c"]. */
export function splitTags(s: string): string[] {
  return s
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** The phase names of the four phase models, for site-wide resources. */
export const TEMPLATE_PHASES = [
  'Preparation', 'Negotiating', 'Enabling growth', 'Closure',
  'Initiation', 'Cultivation', 'Separation', 'Redefinition',
  'Contemplation', 'Growth and maintenance', 'Decline and dissolution',
  'Building rapport', 'Setting direction', 'Recap and progress',
];

// Symbols every common font has (DejaVu among them), not emoji a machine
// may lack.
export const BADGE_ICONS: Record<string, string> = {
  first_meeting: '☕',
  agreement_signed: '✎',
  first_goal_achieved: '◎',
  hours: '◷',
  relationship_completed: '✓',
  program_completed: '⚑',
  highlighted: '★',
};
