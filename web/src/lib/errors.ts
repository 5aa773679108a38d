// Field errors keyed by the API's field paths (`matching.criteria[2].weight`).
// Each form shares one store through context; the Field components read it.
import { getContext, setContext } from 'svelte';
import { writable, type Writable } from 'svelte/store';
import type { Errors } from './program';

const KEY = Symbol('field-errors');

/** The DOM id of the control for a field path. */
export function fieldId(path: string): string {
  return 'f-' + path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '');
}

export function createErrors(): Writable<Errors> {
  const store = writable<Errors>({});
  setContext(KEY, store);
  return store;
}

export function errorsContext(): Writable<Errors> {
  return getContext<Writable<Errors>>(KEY) || writable<Errors>({});
}

/** The path one step up: `a.b[2].c` → `a.b[2]` → `a.b` → `a`; '' at the top. */
export function parentPath(path: string): string {
  const m = /^(.*)(\.[^.[\]]+|\[\d+\])$/.exec(path);
  return m ? m[1] : '';
}

/**
 * Attaches each error to the nearest field shown on the page (walking up the
 * path), and returns the rest for the form's top-level message.
 */
export function placeErrors(raw: Errors): { placed: Errors; unplaced: string[] } {
  const placed: Errors = {};
  const unplaced: string[] = [];
  for (const [path, msg] of Object.entries(raw)) {
    let p = path;
    while (p && !document.getElementById(fieldId(p))) p = parentPath(p);
    if (p) placed[p] = placed[p] ? `${placed[p]} ${msg}` : msg;
    else unplaced.push(msg);
  }
  return { placed, unplaced };
}

/** Moves focus to the first field with an error, in page order. */
export function focusFirstError(errors: Errors): void {
  const els = Object.keys(errors)
    .map((p) => document.getElementById(fieldId(p)))
    .filter((el): el is HTMLElement => !!el);
  els.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  const el = els[0];
  if (el) {
    el.focus();
    el.scrollIntoView({ block: 'center' });
  }
}
