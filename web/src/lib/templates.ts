import { get } from './api';
import type { PhaseTemplates } from './program';

let cached: Promise<PhaseTemplates> | null = null;

/** The built-in phase models, fetched once per page load. */
export function phaseTemplates(): Promise<PhaseTemplates> {
  if (!cached) {
    cached = get('/phase-templates').catch((e) => {
      cached = null;
      throw e;
    });
  }
  return cached;
}
