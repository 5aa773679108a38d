// One way to send a form: the busy flag, the client-side check, the
// request, the reload after it, the server's refusal mapped to the fields
// it names, and focus on the first field at fault (or on the summary).
//
//   const form = createForm();                 // or createForm({ context: true }) for Field components
//   $: ({ busy, errors, messages, status } = $form);
//   form.submit({ prefix: 'goal', check: () => ({ ... }), send: () => post(...), then: reload, done: 'Goal added.' });
import { tick } from 'svelte';
import { writable, type Readable, type Writable } from 'svelte/store';
import { ApiError } from './api';
import { createErrors, focusFirstError, placeErrors } from './errors';
import type { Errors } from './program';

export interface FormState {
  /** A request is on its way: disable the buttons. */
  busy: boolean;
  /** Errors by field path, each at a field shown on the page. */
  errors: Errors;
  /** Problems that name no field shown on the page, for the form's alert. */
  messages: string[];
  /** What the last success did, for a polite live region. */
  status: string;
}

export interface Refusal {
  errors?: Errors;
  messages?: string[];
}

export interface Submission<T> {
  /** Prefixed to the server's field paths: `statement` → `goal.statement`. */
  prefix?: string;
  /** Client-side checks by field path; when any fails nothing is sent. */
  check?: () => Errors;
  /** The request. */
  send: () => Promise<T>;
  /** After a success, before the status is shown (a reload, a reset). */
  then?: (result: T) => unknown;
  /** The status to show after a success. */
  done?: string | ((result: T) => string);
  /**
   * Reads a refusal the page words its own way (a 409 it explains); return
   * undefined for the usual mapping.
   */
  refused?: (e: unknown) => Refusal | undefined | Promise<Refusal | undefined>;
}

export interface Form extends Readable<FormState> {
  /** The field errors alone, as the Field components read them. */
  readonly errors: Writable<Errors>;
  /** Runs a submission; resolves to its result, or undefined when refused. */
  submit<T>(s: Submission<T>): Promise<T | undefined>;
  /** Shows errors and messages as a refusal would. */
  show(errors: Errors, messages?: string[]): Promise<void>;
  /** Clears errors, messages and status. */
  reset(): void;
}

/**
 * A failed request as form errors: every field the problem names (prefixed
 * with the form's own path, so ids stay unique on a page with several
 * forms), or, without one, a message for the form's alert.
 */
export function refusal(e: unknown, prefix = ''): { fields: Errors; message: string } {
  if (e instanceof ApiError) {
    const fields: Errors = {};
    for (const [path, msg] of Object.entries(e.fields)) fields[prefix ? `${prefix}.${path}` : path] = msg;
    return Object.keys(fields).length ? { fields, message: '' } : { fields: {}, message: e.message };
  }
  return { fields: {}, message: e instanceof Error ? e.message : String(e) };
}

export interface FormOptions {
  /** Share the field errors with the Field components below (errors context). */
  context?: boolean;
  /** The element to focus when no field is at fault (an ErrorSummary). */
  summary?: () => { focus(): unknown } | undefined | null;
}

export function createForm(options: FormOptions = {}): Form {
  const errors = options.context ? createErrors() : writable<Errors>({});
  let state: FormState = { busy: false, errors: {}, messages: [], status: '' };
  const store = writable<FormState>(state);
  const set = (patch: Partial<FormState>) => {
    state = { ...state, ...patch };
    if (patch.errors) errors.set(patch.errors);
    store.set(state);
  };

  async function show(raw: Errors, messages: string[] = []) {
    await tick();
    const { placed, unplaced } = placeErrors(raw);
    set({ errors: placed, messages: [...messages, ...unplaced] });
    await tick();
    if (Object.keys(placed).length) focusFirstError(placed);
    else if (messages.length || unplaced.length) options.summary?.()?.focus();
  }

  async function submit<T>(s: Submission<T>): Promise<T | undefined> {
    if (state.busy) return undefined;
    set({ errors: {}, messages: [], status: '' });
    const bad = s.check?.() || {};
    if (Object.keys(bad).length) {
      await show(bad);
      return undefined;
    }
    set({ busy: true });
    try {
      const result = await s.send();
      await s.then?.(result);
      const done = typeof s.done === 'function' ? s.done(result) : s.done;
      set({ busy: false, status: done || '' });
      return result;
    } catch (e) {
      set({ busy: false });
      const own = await s.refused?.(e);
      if (own) {
        await show(own.errors || {}, own.messages || []);
      } else {
        const r = refusal(e, s.prefix);
        await show(r.fields, r.message ? [r.message] : []);
      }
      return undefined;
    }
  }

  return {
    subscribe: store.subscribe,
    errors,
    submit,
    show,
    reset: () => set({ errors: {}, messages: [], status: '' }),
  };
}
