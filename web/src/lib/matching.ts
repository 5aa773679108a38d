// Types of the matching API: proposals (match runs), their comparison,
// recommendations and mentoring requests (product.md §5).

export type Explain = Record<string, number>;

export interface RunPair {
  mentee: number;
  mentee_name: string;
  mentor: number;
  mentor_name: string;
  score: number;
  explain: Explain;
  locked: boolean;
  manual: boolean;
}

export interface RunStats {
  matched: number;
  total_score: number;
  mean_score: number | null;
  min_score: number | null;
  median_score: number | null;
}

export interface EngineStats {
  matched?: number;
  unmatched_slots?: number;
  mentees_unmatched?: number;
  total_score?: number;
  mean_score?: number;
  min_score?: number;
  median_score?: number;
  histogram?: { bin_width: number; counts: number[] };
  choices?: { mentees_with_choices: number; first: number; second: number; third: number };
  top3_share?: number;
  mentor_load?: { used: number; capacity: number; mentors_with_no_mentee: number; mentors_full: number };
  optimal?: boolean;
}

export interface Unmatched {
  mentee: number;
  name: string;
  slots: number;
  reason: string;
}

export interface HardToMatch {
  mentee: number;
  name: string;
  allowed: number;
  reason: string;
}

export interface MatchRun {
  id: number;
  program_id: number;
  created_at: string;
  objective: string;
  status: 'proposed' | 'published' | 'superseded' | string;
  engine_stats: EngineStats;
  unmatched: Unmatched[];
  hard_to_match: HardToMatch[];
  version: number;
  published_at: string | null;
  stats: RunStats;
  pairs: RunPair[];
  relationships?: number[];
}

export interface RunListItem {
  id: number;
  created_at: string;
  objective: string;
  status: string;
  pairs: number;
}

export interface Changed {
  mentee: number;
  mentee_name: string;
  mentor: string;
  other_mentor: string;
  score: number;
  other_score: number;
}

export interface Comparison {
  run: number;
  other: number;
  stats: RunStats;
  other_stats: RunStats;
  only_in_run: RunPair[];
  only_in_other: RunPair[];
  changed: Changed[];
  same: number;
}

export interface MentorCard {
  participation_id: number;
  name: string;
  department: string | null;
  job_title: string | null;
  expertise?: string[] | null;
  languages?: string[] | null;
  interests?: string[] | null;
  location?: string | null;
  years_experience?: number | null;
  headline?: string | null;
  bio?: string | null;
  availability?: string | null;
  communication?: string | null;
  capacity: number;
  free: number;
}

export interface Recommendation {
  mentor: number;
  score: number;
  explain: Explain;
  card: MentorCard | null;
}

export interface Recommendations {
  mentee: number;
  items: Recommendation[];
  not_allowed: number;
}

export interface RequestHistory {
  mentor: number;
  outcome: string;
  at: string;
}

export interface MentoringRequest {
  id: number;
  program_id: number;
  mentee: number;
  mentee_name?: string;
  choices: number[];
  current: number;
  mentor: number;
  mentor_name?: string;
  status: 'pending' | 'accepted' | 'declined' | 'withdrawn' | 'expired' | string;
  message: string;
  history: RequestHistory[];
  created_at: string;
  asked_at: string;
  expires_at: string;
  responded_at: string | null;
  relationship_id: number | null;
}

export const OBJECTIVE_LABELS: Record<string, string> = {
  total: 'Total score',
  fair: 'Fair (best lowest score)',
  stable: 'Stable',
};

export const RUN_STATUS_LABELS: Record<string, string> = {
  proposed: 'Proposed',
  published: 'Published',
  superseded: 'Superseded',
};

export const REQUEST_STATUS_LABELS: Record<string, string> = {
  pending: 'Waiting for an answer',
  accepted: 'Accepted',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
  expired: 'Expired',
};

/** A request's history outcome in words ("declined" or the mentor's own message). */
export function outcomeText(o: string): string {
  if (o === 'accepted') return 'accepted';
  if (o === 'declined') return 'declined';
  if (o === 'expired') return 'did not answer in time';
  return `declined: “${o}”`;
}
