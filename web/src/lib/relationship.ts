// Types of the relationship and workspace API (product.md §6).

import type { Schema } from './api';

// The API's shapes, from docs/openapi.json.
export type Member = Schema<'RelationshipMember'>;
export type Relationship = Schema<'Relationship'>;
export type Person = Schema<'PersonRef'>;
export type PhaseView = Schema<'PhaseView'>;
export type ChecklistItem = PhaseView['key_actions'][number];
export type PhaseMove = PhaseView['history'][number];
export type Agreement = Schema<'Agreement'>;
export type Signature = Agreement['signatures'][number];
export type Milestone = Schema<'Milestone'>;
export type Goal = Schema<'Goal'>;
export type Meeting = Schema<'Meeting'>;
export type Attendance = Meeting['attendance'][number];
export type Author = Schema<'Author'>;
export type Note = Schema<'Note'>;
export type Message = Schema<'Message'>;
export type ReflectionItem = Schema<'Reflections'>['items'][number];

export const AGREEMENT_LABELS: Record<string, string> = {
  goals_summary: 'Goals summary',
  mentor_responsibilities: "The mentor's responsibilities",
  mentee_responsibilities: "The mentee's responsibilities",
  meeting_frequency: 'How often we meet',
  meeting_mode: 'How we meet',
  communication_channels: 'How we keep in touch',
  confidentiality: 'Confidentiality',
  boundaries: 'Boundaries',
  duration: 'Duration',
  no_fault_exit: 'No-fault exit',
};

export const GOAL_STATUSES = [
  { value: 'open', label: 'Open' },
  { value: 'achieved', label: 'Achieved' },
  { value: 'dropped', label: 'Dropped' },
];

export const REL_STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  paused: 'Paused',
  closing: 'Closing',
  completed: 'Completed',
  ended_early: 'Ended early',
};

export const ROLE_LABELS: Record<string, string> = { mentor: 'Mentor', mentee: 'Mentee', peer: 'Peer' };

export function isOpen(r: Relationship): boolean {
  return r.status === 'active' || r.status === 'paused' || r.status === 'closing';
}

/** "Maya Mentor & Eli Mentee": the mentors first. */
export function pairName(r: Relationship): string {
  const sorted = [...r.members].sort((a, b) => (a.role === 'mentor' ? -1 : b.role === 'mentor' ? 1 : 0));
  return sorted.map((m) => m.name).join(' & ');
}
