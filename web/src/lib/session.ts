import { writable, get as read } from 'svelte/store';
import { get, del, setCsrfToken, ApiError, type Schema } from './api';

export type SiteRole = Schema<'Person'>['site_role'];
export type Participation = Schema<'MyParticipation'>;
export type Me = Schema<'Me'>;

/** The signed-in person, or null when signed out. */
export const me = writable<Me | null>(null);

/** Loads the signed-in person; resolves to null when there is no session. */
export async function loadMe(): Promise<Me | null> {
  try {
    const m = await get('/me');
    setCsrfToken(m.csrf_token);
    m.participations = m.participations || [];
    me.set(m);
    return m;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken('');
      me.set(null);
      return null;
    }
    throw e;
  }
}

export async function signOut(): Promise<void> {
  try {
    await del('/session');
  } finally {
    setCsrfToken('');
    me.set(null);
  }
}

export function canCreatePrograms(m: Me | null): boolean {
  return !!m && (m.site_role === 'admin' || m.site_role === 'coordinator');
}

/** Whether the signed-in person may change a program's settings. */
export function canEditProgram(m: Me | null, programId: number, myRoles?: string[]): boolean {
  if (!m) return false;
  if (m.site_role === 'admin') return true;
  if (myRoles && myRoles.includes('coordinator')) return true;
  return m.participations.some((p) => p.program_id === programId && p.role === 'coordinator');
}

export function currentMe(): Me | null {
  return read(me);
}
