// Types of the matching API: proposals (match runs), their comparison,
// recommendations and mentoring requests (product.md §5).

import type { Schema } from './api';

// The API's shapes, from docs/openapi.json.
export type Explain = Record<string, number>;
export type RunPair = Schema<'MatchPair'>;
export type RunStats = Schema<'PairStats'>;
export type EngineStats = Schema<'EngineStats'>;
export type MatchRun = Schema<'MatchRun'>;
export type Unmatched = MatchRun['unmatched'][number];
export type HardToMatch = MatchRun['hard_to_match'][number];
export type RunListItem = Schema<'MatchRunSummary'>;
export type Comparison = Schema<'MatchComparison'>;
export type Changed = Comparison['changed'][number];
export type MentorCard = Schema<'MentorCard'>;
export type Recommendations = Schema<'Recommendations'>;
export type Recommendation = Recommendations['items'][number];
export type MentoringRequest = Schema<'MentoringRequest'>;
export type RequestHistory = MentoringRequest['history'][number];

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
