// Names and descriptions Flux derives from an event for commit statuses and PagerDuty.
import type { FluxEvent } from '../event.ts';

type CharClass = 1 | 2 | 3 | 4;

function classOf(ch: string): CharClass {
  if (/\p{Ll}/u.test(ch)) return 1;
  if (/\p{Lu}/u.test(ch)) return 2;
  if (/\p{Nd}/u.test(ch)) return 3;
  return 4;
}

/**
 * splitCamelcase splits `HealthCheckFailed` into `Health Check Failed` and `PDFLoader` into `PDF Loader`: runs of
 * one character class, then an upper-case letter followed by lower case starts a new word.
 */
export function splitCamelcase(src: string): string[] {
  const runs: string[][] = [];
  let last: CharClass | 0 = 0;
  for (const ch of src) {
    const cls = classOf(ch);
    if (cls === last) runs[runs.length - 1]?.push(ch);
    else runs.push([ch]);
    last = cls;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    const cur = runs[i] as string[];
    const next = runs[i + 1] as string[];
    if (classOf(cur[0] ?? '') === 2 && classOf(next[0] ?? '') === 1) {
      next.unshift(cur.pop() as string);
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

/** nameAndDescription is Flux's formatNameAndDescription: `kind/name` and the reason as lower-case words. */
export function nameAndDescription(event: FluxEvent): { name: string; description: string } {
  const io = event.involvedObject;
  return {
    name: `${io.kind}/${io.name}`.toLowerCase(),
    description: splitCamelcase(event.reason).join(' ').toLowerCase(),
  };
}

/** titleCase is golang.org/x/text/cases.Title for ASCII words: first letter upper, the rest lower. */
export function titleCase(s: string): string {
  return s.replace(/\p{L}[\p{L}\p{M}\p{Nd}'’]*/gu, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
}
