// A page's loading state: loading, missing (404, or an id that is no id),
// failed with a message, or ready. Pages run their loads through it and
// show them with components/Loaded.svelte.
//
//   const page = loader();
//   $: page.run(async () => { program = await get('/programs/{id}', { path: { id } }); });
//   <Loaded state={$page} title="Training" what="program">…</Loaded>
import { writable, type Readable } from 'svelte/store';
import { ApiError } from './api';

export interface LoadState {
  ready: boolean;
  missing: boolean;
  /** Why loading failed, for a person; '' when it did not. */
  error: string;
}

export interface Loader extends Readable<LoadState> {
  /**
   * Runs a load. A 404 (or 400 for a malformed id) makes the page missing,
   * any other failure an error; a newer run makes an older one's result void.
   */
  run(fn: () => Promise<unknown>, failed?: string): Promise<boolean>;
  /** Marks the page failed with a message of its own (a refusal it explains). */
  fail(message: string): void;
}

export function loader(): Loader {
  const store = writable<LoadState>({ ready: false, missing: false, error: '' });
  let generation = 0;
  return {
    subscribe: store.subscribe,
    fail: (error) => store.set({ ready: false, missing: false, error }),
    async run(fn, failed = 'The page could not be loaded.') {
      const mine = ++generation;
      store.set({ ready: false, missing: false, error: '' });
      try {
        await fn();
        if (mine === generation) store.set({ ready: true, missing: false, error: '' });
        return mine === generation;
      } catch (e) {
        if (mine !== generation) return false;
        if (e instanceof ApiError && (e.status === 404 || e.status === 400)) store.set({ ready: false, missing: true, error: '' });
        else store.set({ ready: false, missing: false, error: e instanceof Error && e.message ? e.message : failed });
        return false;
      }
    },
  };
}
