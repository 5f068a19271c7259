/** Sprig's JSON functions over engines/gojson (Go's encoding/json). */
import { marshal, marshalIndent, unmarshal, GoJsonError } from '../gojson/index.ts';
import { ANY, goFunc, STRING, type FuncMap, type GoValue } from '../gotemplate/index.ts';
import type { SprigContext } from './context.ts';
import { rethrowAs, SprigError } from './errors.ts';
import { byteLength } from './gostrings.ts';
import { checkStringSize } from './limits.ts';

/** orEmpty runs an encoder and swallows Go's error as Sprig's non-must variants do. */
function orEmpty(f: () => string): string {
  try {
    return f();
  } catch (err) {
    if (err instanceof GoJsonError) return '';
    throw err;
  }
}

/** orFail turns Go's error into the function's error (must variants, and toRawJson's panic). */
const orFail = (f: () => string): string => rethrowAs(GoJsonError, f);

export function jsonFunctions(ctx: SprigContext): FuncMap {
  const str = { type: STRING };
  const sized = (fn: string, f: () => string) => () => {
    const out = f();
    checkStringSize(ctx.limits, fn, byteLength(out));
    return out;
  };
  const json = (v: GoValue) => marshal(v);
  const pretty = (v: GoValue) => marshalIndent(v, '', '  ');
  const raw = (v: GoValue) => marshal(v, { escapeHTML: false });
  const fromJson = (s: string, must: boolean): GoValue => {
    const r = unmarshal(s, 'any');
    if (must && r.error !== undefined) throw new SprigError(r.error.message, { cause: r.error });
    return r.value;
  };
  return {
    toJson: goFunc([ANY], (v) => orEmpty(sized('toJson', () => json(v))), str),
    toPrettyJson: goFunc([ANY], (v) => orEmpty(sized('toPrettyJson', () => pretty(v))), str),
    toRawJson: goFunc([ANY], (v) => orFail(sized('toRawJson', () => raw(v))), str),
    mustToJson: goFunc([ANY], (v) => orFail(sized('mustToJson', () => json(v))), { type: STRING, error: true }),
    mustToPrettyJson: goFunc([ANY], (v) => orFail(sized('mustToPrettyJson', () => pretty(v))), {
      type: STRING,
      error: true,
    }),
    mustToRawJson: goFunc([ANY], (v) => orFail(sized('mustToRawJson', () => raw(v))), { type: STRING, error: true }),
    fromJson: goFunc([STRING], (s) => fromJson(s, false)),
    mustFromJson: goFunc([STRING], (s) => fromJson(s, true), { error: true }),
  };
}
