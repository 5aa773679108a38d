// A small client for the Tandem JSON API. It keeps the CSRF token in memory
// (never in storage), sends it on every non-GET request, and turns
// application/problem+json answers into ApiError.

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  field?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(readable(problem) || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem;
  }

  /** The field path the server blamed, e.g. `matching.criteria[2].weight`. */
  get field(): string | undefined {
    return this.problem.field || undefined;
  }
}

/**
 * The problem's detail as a sentence for a person: the server prefixes it
 * with the field path ("matching.min_score: must be between 0 and 1"),
 * which the page already shows by placing the message at the field.
 */
export function readable(p: Problem): string {
  let text = (p.detail || p.title || '').trim();
  if (p.field && text.startsWith(p.field + ':')) text = text.slice(p.field.length + 1).trim();
  if (!text) return '';
  // Field names in the message read better as words: "enrolment_opens".
  text = text.replace(/(^|[\s(,])([a-z]+(?:_[a-z]+)+)(?=$|[\s),.;:])/g, (_, pre, name) => pre + name.replace(/_/g, ' '));
  text = text[0].toUpperCase() + text.slice(1);
  return /[.!?]$/.test(text) ? text : text + '.';
}

let csrfToken = '';
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | undefined | null): void {
  csrfToken = token || '';
}

/** Called when a request other than sign-in answers 401 (the session ended). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export async function api<T = unknown>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = csrfToken;
  }
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, {
      title: 'Network error',
      detail: 'The server could not be reached. Check the connection and try again.',
    });
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') || '';
  let data: unknown = null;
  if (type.includes('json')) {
    data = await res.json().catch(() => null);
  }
  if (!res.ok) {
    const problem: Problem =
      data && typeof data === 'object' ? (data as Problem) : { status: res.status, title: res.statusText };
    // Sign-in and accepting an invitation answer 401 for a wrong password.
    const signingIn = method === 'POST' && (path === '/session' || path === '/invitations/accept');
    if (res.status === 401 && !signingIn && onUnauthorized) {
      onUnauthorized();
    }
    throw new ApiError(res.status, problem);
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/**
 * Sends a body that is not JSON (a CSV file) and reads a JSON answer, with
 * the same CSRF header and problem+json handling as api(). A 422 problem
 * keeps its extra members (an import report's `errors`) in `problem`.
 */
export async function postText<T = unknown>(path: string, body: string | Blob, contentType: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': contentType, 'X-CSRF-Token': csrfToken },
      credentials: 'same-origin',
      body,
    });
  } catch {
    throw new ApiError(0, { title: 'Network error', detail: 'The server could not be reached. Check the connection and try again.' });
  }
  const data: unknown = (res.headers.get('Content-Type') || '').includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    if (res.status === 401 && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, data && typeof data === 'object' ? (data as Problem) : { status: res.status, title: res.statusText });
  }
  return data as T;
}

/** Fetches a resource in another format (CSV) as a Blob. */
export async function getBlob(path: string, accept: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, { headers: { Accept: accept }, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { title: 'Network error', detail: 'The server could not be reached. Check the connection and try again.' });
  }
  if (!res.ok) {
    const data: unknown = (res.headers.get('Content-Type') || '').includes('json') ? await res.json().catch(() => null) : null;
    if (res.status === 401 && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, data && typeof data === 'object' ? (data as Problem) : { status: res.status, title: res.statusText });
  }
  return res.blob();
}
