// Writing a new value into a scalar in place: the quoting style is kept where it can be, and a plain scalar whose
// new value would read back as something other than a string (in YAML 1.1 or 1.2: `1.20`, `1e3`, `yes`, `0x1F`,
// `2024-01-15`) becomes double-quoted, as image-automation-controller's output does.

/** ScalarStyle is the style of the scalar being replaced, as the `yaml` package names source tokens. */
export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

const YAML11_BOOL_OR_NULL = new Set(
  ['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~'].flatMap((w) => [
    w,
    w.toUpperCase(),
    w[0]!.toUpperCase() + w.slice(1),
  ]),
);
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/u;
const SPECIAL_FLOAT = /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/u;
const INT = /^[-+]?(0[bB][01_]+|0[oO][0-7_]+|0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)$/u;
const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ].*)?$/u;

/** isNonString: would a plain scalar of this text resolve to a bool, null, number or timestamp (YAML 1.1 or 1.2)? */
export function isNonString(value: string): boolean {
  if (value === '') return true;
  if (YAML11_BOOL_OR_NULL.has(value)) return true;
  if (FLOAT.test(value) || SPECIAL_FLOAT.test(value)) return true;
  if (INT.test(value) && /[0-9a-fA-F]/u.test(value.replace(/^[-+]?0[bBoOxX]/u, ''))) return true;
  const d = DATE.exec(value);
  if (d) {
    const [month, day] = [Number(d[2]), Number(d[3])];
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31) return true;
  }
  return false;
}

// What may stand as a plain scalar in block context without being read differently: image names, tags and digests
// fit; anything else (an indicator first, `: `, ` #`, surrounding spaces) is quoted.
const PLAIN_SAFE = /^[A-Za-z0-9_./][A-Za-z0-9_./@+:=-]*$/u;

/** renderScalar returns the source text of `value` in the style of the scalar it replaces. */
export function renderScalar(value: string, style: ScalarStyle): string {
  if (style === 'QUOTE_SINGLE') return `'${value.replaceAll("'", "''")}'`;
  if (style === 'PLAIN' && PLAIN_SAFE.test(value) && !value.endsWith(':') && !isNonString(value)) return value;
  return JSON.stringify(value);
}
