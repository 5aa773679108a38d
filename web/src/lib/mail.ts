// Whether this server delivers e-mail. Pages that say someone "has been
// told" say so only when it is true; without an SMTP server (tandem serve
// with no --smtp) mail waits in the outbox and they say that instead.
import { writable, get as read } from 'svelte/store';
import { get } from './api';

/** GET /mail's answer; true until it is known, so no page flashes a warning. */
export const mailDelivering = writable<boolean>(true);

/** Reads the server's answer once a person is signed in. */
export async function loadMailStatus(): Promise<void> {
  try {
    mailDelivering.set((await get('/mail')).delivering);
  } catch {
    // Keep the last answer: a page says what it said before.
  }
}

/** What a page says after a change that mails someone: `sent` when mail is delivered, else `queued`. */
export function byMail(sent: string, queued: string): string {
  return read(mailDelivering) ? sent : queued;
}

/** The sentence for pages when mail is not delivered. */
export const QUEUED = 'This server does not send e-mail yet: the message waits in the outbox.';
