import { formatFloatG } from '../../../util/go-float.ts';
import { quote as goQuote } from '../../gotemplate/index.ts';

/**
 * How santhosh-tekuri/jsonschema v6 words its errors: golang.org/x/text's English printer (digit grouping,
 * `1×10⁰⁶` for what `%v` would print with an exponent), single-quoted strings, JSON pointers.
 */

const SUPERSCRIPT: Record<string, string> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '-': '⁻',
};

/** group inserts thousands separators into a run of digits. */
function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** printInt is the English printer's `%d`: `1,234,567`. */
export function printInt(n: number | bigint): string {
  const s = String(n);
  return s.startsWith('-') ? `-${group(s.slice(1))}` : group(s);
}

/** printFloat is the English printer's `%v` of a float64. */
export function printFloat(f: number): string {
  const g = formatFloatG(f);
  const e = g.indexOf('e');
  if (e >= 0) {
    const exp = g.slice(e + 1).replace(/^\+/, '');
    return `${g.slice(0, e)}×10${Array.from(exp, (c) => SUPERSCRIPT[c] ?? c).join('')}`;
  }
  const neg = g.startsWith('-');
  const body = neg ? g.slice(1) : g;
  const dot = body.indexOf('.');
  const int = dot >= 0 ? body.slice(0, dot) : body;
  return `${neg ? '-' : ''}${group(int)}${dot >= 0 ? body.slice(dot) : ''}`;
}

/** quote is the library's quote: Go's %q with `"` unescaped and `'` escaped, in single quotes. */
export function quote(s: string): string {
  const q = goQuote(s).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'");
  return `'${q}'`;
}

/** jsonPointer writes an instance location (`/a/0/b~1c`). */
export function jsonPointer(tokens: readonly string[]): string {
  return tokens.map((t) => `/${t.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
