/**
 * Go's time.Time as Helm's records carry it: nanoseconds since the Unix epoch plus the zone offset it is shown
 * in. Go writes JSON times as RFC 3339 with up to nine fractional digits (trailing zeros dropped) and `Z` for a
 * zero offset.
 */

/** GoTime is an instant (ns since the epoch) and the UTC offset (seconds) of the zone it is written in. */
export interface GoTime {
  ns: bigint;
  offsetSeconds: number;
}

/** localOffsetSeconds is the offset of the process's local zone at an instant (Go's time.Local). */
export function localOffsetSeconds(ns: bigint): number {
  return -new Date(Number(ns / 1_000_000n)).getTimezoneOffset() * 60;
}

/** localTime is an instant in the process's local zone, as Go's time.Now() and os.Stat report it. */
export function localTime(ns: bigint): GoTime {
  return { ns, offsetSeconds: localOffsetSeconds(ns) };
}

const pad = (n: number | bigint, w: number): string => String(n).padStart(w, '0');

/** formatRfc3339Nano is time.Time.MarshalJSON's text (without the quotes). */
export function formatRfc3339Nano(t: GoTime): string {
  const sec = t.ns >= 0n ? t.ns / 1_000_000_000n : -((-t.ns + 999_999_999n) / 1_000_000_000n);
  const nanos = Number(t.ns - sec * 1_000_000_000n);
  const d = new Date((Number(sec) + t.offsetSeconds) * 1000);
  let s =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  if (nanos !== 0) s += '.' + pad(nanos, 9).replace(/0+$/, '');
  if (t.offsetSeconds === 0) return s + 'Z';
  const off = Math.abs(t.offsetSeconds);
  return `${s}${t.offsetSeconds < 0 ? '-' : '+'}${pad(Math.floor(off / 3600), 2)}:${pad(Math.floor((off % 3600) / 60), 2)}`;
}

/** ZERO_TIME is Go's zero time.Time as JSON writes it. */
export const ZERO_TIME_TEXT = '0001-01-01T00:00:00Z';

/** parseRfc3339 reads a time written by formatRfc3339Nano (or by Go) back; undefined if malformed. */
export function parseRfc3339(text: string): GoTime | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (m === null) return undefined;
  const offsetSeconds = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 3600 + Number(m[11]) * 60);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const year = Number(m[1]);
  // Date.UTC maps years 0..99 into the 1900s; Go's years are literal.
  const fixed = year < 100 ? new Date(wall).setUTCFullYear(year) : wall;
  const sec = BigInt(fixed / 1000 - offsetSeconds);
  const ns = sec * 1_000_000_000n + BigInt((m[7] ?? '').padEnd(9, '0') || '0');
  return { ns, offsetSeconds };
}
