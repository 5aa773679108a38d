// Formatting shared by the matching and relationship pages: scores, dates,
// times in a meeting's own time zone, and text lengths as the server counts them.

/** A score in [0, 1] as the pages show it: two decimals. */
export function score(v: number | null | undefined): string {
  return typeof v === 'number' && isFinite(v) ? v.toFixed(2) : '–';
}

/** A share in [0, 1] as a whole percentage. */
export function percent(v: number | null | undefined): string {
  return typeof v === 'number' && isFinite(v) ? `${Math.round(v * 100)} %` : '–';
}

export function date(iso: string | null | undefined): string {
  if (!iso) return '';
  // Plain dates (2027-03-31) are calendar days: shown as they are, in UTC.
  const plain = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const d = new Date(plain ? iso + 'T12:00:00Z' : iso);
  if (isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: plain ? 'UTC' : undefined });
}

export function dateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso;
  try {
    return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  } catch {
    return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }
}

/** The browser's own IANA time zone, e.g. Europe/Paris. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every IANA time zone the browser knows, for a picker. */
export function timeZones(): string[] {
  const fn = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf;
  const list = fn ? fn('timeZone') : [];
  const here = localZone();
  const all = new Set(['UTC', here, ...list]);
  return [...all].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

/** Minutes the zone is ahead of UTC at the instant `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/**
 * The UTC instant (RFC 3339, with Z) of a wall-clock date and time in an
 * IANA time zone: "2026-12-01", "09:30", "Europe/Paris" → 2026-12-01T08:30:00Z.
 */
export function zonedToUtc(day: string, time: string, timeZone: string): string | null {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const tm = /^(\d{2}):(\d{2})/.exec(time);
  if (!dm || !tm) return null;
  const wall = Date.UTC(+dm[1], +dm[2] - 1, +dm[3], +tm[1], +tm[2]);
  try {
    let ms = wall - offsetAt(wall, timeZone) * 60000;
    ms = wall - offsetAt(ms, timeZone) * 60000; // once more, across a DST change
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  } catch {
    return null;
  }
}

/** The wall-clock date (YYYY-MM-DD) and time (HH:MM) of an instant in a zone. */
export function wallClock(iso: string, timeZone: string): { day: string; time: string } {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(iso))) p[part.type] = part.value;
  return { day: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** true for an http(s) address, which may be shown as a link. */
export function isWebLink(s: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(s.trim());
}

/** Today as YYYY-MM-DD in the browser's zone. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The bytes of s in UTF-8, as the server counts a text's length. */
export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Names a criterion for people: "years_experience" → "Years experience". */
export function criterionLabel(name: string): string {
  const t = name.replace(/[_-]+/g, ' ').trim();
  return t ? t[0].toUpperCase() + t.slice(1) : name;
}
