import { writable, get as read } from 'svelte/store';
import { get, del, setCsrfToken, ApiError } from './api';

export type SiteRole = 'admin' | 'coordinator' | 'member';

export interface Participation {
  id: number;
  program_id: number;
  program_name: string;
  role: string;
  status: string;
}

export interface Me {
  id: number;
  email: string;
  name: string;
  site_role: SiteRole;
  csrf_token?: string;
  participations: Participation[];
}

/** The signed-in person, or null when signed out. */
export const me = writable<Me | null>(null);

/** Loads the signed-in person; resolves to null when there is no session. */
export async function loadMe(): Promise<Me | null> {
  try {
    const m = await get<Me>('/me');
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
