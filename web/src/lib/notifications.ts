// The bell's count: how many notifications the signed-in person has not
// read. The shell asks again on every page it shows (GET
// /notifications/unread, one count on an index), and the notifications
// page sets it as it marks items read.
import { writable } from 'svelte/store';
import { get } from './api';

export const unread = writable<number>(0);

let asking: Promise<void> | null = null;

/** Asks the server for the count; a failure leaves the last one. */
export function refreshUnread(): Promise<void> {
  if (asking) return asking;
  asking = get('/notifications/unread')
    .then((r) => unread.set(r.unread))
    .catch(() => undefined)
    .finally(() => (asking = null));
  return asking;
}

/** The label of the bell, for screen readers and the tooltip. */
export function bellLabel(n: number): string {
  return n === 0 ? 'Notifications, none unread' : `Notifications, ${n} unread`;
}

/** The modes a person chooses from, in their words. */
export const MODES = [
  { value: 'immediately', label: 'At once' },
  { value: 'daily', label: 'Daily digest' },
  { value: 'off', label: 'Off' },
] as const;
