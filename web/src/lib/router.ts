// History API routing: the server answers index.html for every path outside
// /api/, so the address bar is the single source of truth for the page.
import { writable } from 'svelte/store';

export interface Location {
  path: string;
  search: URLSearchParams;
}

function current(): Location {
  return { path: window.location.pathname, search: new URLSearchParams(window.location.search) };
}

export const location = writable<Location>(current());

// A page with unsaved work registers a guard; it returns the question to
// ask before leaving, or null when there is nothing to lose.
type Guard = () => string | null;
let guard: Guard | null = null;

export function setLeaveGuard(fn: Guard): () => void {
  guard = fn;
  return () => {
    if (guard === fn) guard = null;
  };
}

/** Asks before unsaved work is dropped; true when it is fine to leave. */
export function confirmLeave(): boolean {
  const question = guard?.();
  if (!question) return true;
  if (!window.confirm(question)) return false;
  guard = null;
  return true;
}

let shown = window.location.pathname + window.location.search;

export function navigate(to: string, opts: { replace?: boolean; force?: boolean } = {}): void {
  if (!opts.force && !opts.replace && !confirmLeave()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  shown = window.location.pathname + window.location.search;
  location.set(current());
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => {
  const here = window.location.pathname + window.location.search;
  if (here !== shown && !confirmLeave()) {
    // Back or Forward was pressed: put the page with the work back.
    window.history.pushState(null, '', shown);
    return;
  }
  shown = here;
  location.set(current());
});

window.addEventListener('beforeunload', (e) => {
  if (guard?.()) {
    e.preventDefault();
    e.returnValue = '';
  }
});

/** Turns plain clicks on same-origin links into client-side navigation. */
export function interceptLinks(root: HTMLElement | Document = document): () => void {
  const onClick = (e: Event) => {
    const ev = e as MouseEvent;
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = (ev.target as Element | null)?.closest?.('a');
    if (!a || !a.href || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
    const href = a.getAttribute('href') || '';
    if (href.startsWith('#')) return;
    const url = new URL(a.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
    ev.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  };
  root.addEventListener('click', onClick);
  return () => root.removeEventListener('click', onClick);
}

export interface Route {
  pattern: RegExp;
  name: string;
}

/** Returns the first route matching `path` and its captured parameters. */
export function match(routes: Route[], path: string): { name: string; params: string[] } | null {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const r of routes) {
    const m = r.pattern.exec(clean);
    if (m) return { name: r.name, params: m.slice(1).map(decodeURIComponent) };
  }
  return null;
}

/** A numeric id from the address (`/programs/12`); NaN for anything else, which the server answers 404. */
export function routeId(s: string): number {
  return /^\d+$/.test(s) ? Number(s) : NaN;
}
