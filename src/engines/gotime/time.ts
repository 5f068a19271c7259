/**
 * Go's time.Time: an instant (Unix seconds and nanoseconds), the Location it is shown in, and optionally a
 * monotonic clock reading (what `time.Now()` carries and `String()` prints as ` m=+…`).
 */
import { civil, daysFromCivil, type Location, UTC, yearYday } from './location.ts';

const DAY = 86400;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const monthName = (m: number): string => MONTHS[m - 1] ?? `%!Month(${m})`;
export const weekdayName = (d: number): string => DAYS[d] ?? `%!Weekday(${d})`;
export { MONTHS, DAYS };

/** Clock is a time's calendar fields in its location. */
export interface Clock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  yday: number;
  weekday: number;
  zone: string;
  offset: number;
}

/** GoTime is an immutable time.Time. */
export class GoTime {
  /** sec and nsec: the instant, as seconds since the Unix epoch and nanoseconds [0, 1e9). */
  readonly sec: number;
  readonly nsec: number;
  readonly loc: Location;
  /** mono is the monotonic clock reading in nanoseconds, when the time came from `now`. */
  readonly mono: bigint | undefined;

  constructor(sec: number, nsec: number, loc: Location = UTC, mono?: bigint) {
    const carry = Math.floor(nsec / 1e9);
    this.sec = sec + carry;
    this.nsec = nsec - carry * 1e9;
    this.loc = loc;
    this.mono = mono;
  }

  /** fromUnixNanos builds a time from nanoseconds since the epoch. */
  static fromUnixNanos(ns: bigint, loc: Location = UTC, mono?: bigint): GoTime {
    const sec = ns / 1_000_000_000n;
    let nsec = ns % 1_000_000_000n;
    let s = sec;
    if (nsec < 0n) {
      nsec += 1_000_000_000n;
      s -= 1n;
    }
    return new GoTime(Number(s), Number(nsec), loc, mono);
  }

  /** date is time.Date: normalises out-of-range fields, interprets the wall clock in `loc`. */
  static date(
    year: number,
    month: number,
    day: number,
    hour: number,
    min: number,
    sec: number,
    nsec: number,
    loc: Location,
  ): GoTime {
    // Normalise month into the year, then everything else into days and seconds.
    const m0 = month - 1;
    const y = year + Math.floor(m0 / 12);
    const m = (((m0 % 12) + 12) % 12) + 1;
    const days = daysFromCivil(y, m, 1) + (day - 1);
    let unix = days * DAY + hour * 3600 + min * 60 + sec + Math.floor(nsec / 1e9);
    const ns = ((nsec % 1e9) + 1e9) % 1e9;
    // Go's Date: the offset in effect at the wall time read as UTC, corrected once by a lookup at the result.
    const { offset } = loc.lookup(unix);
    if (offset !== 0) unix -= loc.lookup(unix - offset).offset;
    return new GoTime(unix, ns, loc);
  }

  in(loc: Location): GoTime {
    return new GoTime(this.sec, this.nsec, loc, this.mono);
  }

  /** stripMono drops the monotonic reading (what Round(0), In and arithmetic on wall times do in Go). */
  stripMono(): GoTime {
    return this.mono === undefined ? this : new GoTime(this.sec, this.nsec, this.loc);
  }

  /** addNanos is Time.Add. */
  addNanos(d: bigint): GoTime {
    const total = BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec) + d;
    return GoTime.fromUnixNanos(total, this.loc, this.mono === undefined ? undefined : this.mono + d);
  }

  unixNanos(): bigint {
    return BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec);
  }

  /** sub is Time.Sub, saturating as Go does. */
  sub(u: GoTime): bigint {
    const d = this.mono !== undefined && u.mono !== undefined ? this.mono - u.mono : this.unixNanos() - u.unixNanos();
    const max = (1n << 63n) - 1n;
    if (d > max) return max;
    if (d < -max - 1n) return -max - 1n;
    return d;
  }

  isZero(): boolean {
    return this.sec === ZERO_SEC && this.nsec === 0;
  }

  equals(o: unknown): boolean {
    return o instanceof GoTime && o.sec === this.sec && o.nsec === this.nsec && o.loc === this.loc;
  }

  /** clock returns the calendar fields in the time's location. */
  clock(): Clock {
    const z = this.loc.lookup(this.sec);
    const local = this.sec + z.offset;
    const days = Math.floor(local / DAY);
    const secOfDay = local - days * DAY;
    const { year, month, day } = civil(days);
    const { yday } = yearYday(days);
    return {
      year,
      month,
      day,
      hour: Math.floor(secOfDay / 3600),
      minute: Math.floor((secOfDay % 3600) / 60),
      second: secOfDay % 60,
      yday,
      weekday: (((days + 4) % 7) + 7) % 7,
      zone: z.name,
      offset: z.offset,
    };
  }
}

/** ZERO_SEC is the Unix second of Go's zero time, January 1, year 1, 00:00:00 UTC. */
export const ZERO_SEC = daysFromCivil(1, 1, 1) * DAY;

/** zeroTime is time.Time{}. */
export const zeroTime = (): GoTime => new GoTime(ZERO_SEC, 0, UTC);
