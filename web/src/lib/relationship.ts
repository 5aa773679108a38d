// Types of the relationship and workspace API (product.md §6).

export interface Member {
  participation_id: number;
  person_id: number;
  name: string;
  role: 'mentor' | 'mentee' | 'peer' | string;
}

export interface Relationship {
  id: number;
  program_id: number;
  kind: string;
  status: 'active' | 'paused' | 'closing' | 'completed' | 'ended_early' | string;
  phase: number;
  phase_name: string | null;
  phase_count: number;
  phase_started_at: string;
  started_at: string;
  planned_end_at: string;
  renewals: number;
  renewals_allowed: number;
  version: number;
  members: Member[];
  alumni: boolean;
  ended_at: string | null;
  my_role: string | null;
}

export interface Person {
  person_id: number;
  name: string;
}

export interface ChecklistItem {
  item: number;
  text: string;
  done: boolean;
  done_by: Person | null;
  done_at: string | null;
}

export interface PhaseMove {
  from: number;
  from_name: string;
  to: number;
  to_name: string;
  moved_at: string;
  override: boolean;
  moved_by: Person | null;
}

export interface PhaseView {
  relationship_id: number;
  index: number;
  count: number;
  name: string;
  is_last: boolean;
  key_actions: ChecklistItem[];
  timeframe_days: number;
  started_at: string;
  due_at: string;
  overdue: boolean;
  resources: string[];
  exit_criteria: string[];
  criteria_met: boolean;
  unmet: string[];
  phases: { index: number; name: string }[];
  history: PhaseMove[];
  next: { index: number; name: string } | null;
}

export interface Signature {
  participation_id: number;
  person_id: number;
  name: string;
  role: string;
  signed: boolean;
  signed_at: string | null;
}

export interface Agreement {
  relationship_id: number;
  version: number;
  content: Record<string, string>;
  signatures: Signature[];
  signed_by_all: boolean;
  fields: string[];
  updated_at: string | null;
  updated_by: number | null;
}

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

export interface Milestone {
  id: number;
  goal_id: number;
  title: string;
  due_date: string | null;
  done: boolean;
  done_at: string | null;
  created_at: string;
}

export interface Goal {
  id: number;
  relationship_id: number;
  statement: string;
  measure: string;
  why: string;
  target_date: string | null;
  status: 'open' | 'achieved' | 'dropped' | string;
  progress: number;
  created_at: string;
  updated_at: string;
  created_by: number | null;
  milestones: Milestone[];
}

export const GOAL_STATUSES = [
  { value: 'open', label: 'Open' },
  { value: 'achieved', label: 'Achieved' },
  { value: 'dropped', label: 'Dropped' },
];

export interface Attendance {
  participation_id: number;
  person_id: number;
  name: string;
  role: string;
  attended: boolean | null;
}

export interface Meeting {
  id: number;
  relationship_id: number;
  uid: string;
  sequence: number;
  starts_at: string;
  ends_at: string;
  duration_minutes: number;
  time_zone: string;
  mode: string;
  location: string;
  agenda: string[];
  recap: { discussed: string; decisions: string; next_steps: string } | null;
  status: 'scheduled' | 'held' | 'cancelled' | string;
  created_at: string;
  updated_at: string;
  ics_url: string;
  created_by: number | null;
  attendance: Attendance[];
  my_rating: number | null;
}

export interface Author {
  participation_id: number;
  person_id: number;
  name: string;
  role: string;
}

export interface Note {
  id: number;
  relationship_id: number;
  visibility: 'private' | 'shared';
  body: string;
  created_at: string;
  updated_at: string;
  author: Author;
  mine: boolean;
}

export interface Message {
  id: number;
  relationship_id: number;
  body: string;
  created_at: string;
  author: Author;
  mine: boolean;
}

export interface ReflectionItem {
  participation_id: number;
  person_id: number;
  name: string;
  role: string;
  mine: boolean;
  reflection: { learned: string; next_steps: string; program_feedback: string; written_at: string } | null;
}

export interface List<T> {
  items: T[];
  total: number;
}

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
