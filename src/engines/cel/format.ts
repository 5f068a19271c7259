/**
 * celFormat is cel-go's `string.format(list)` (ext.Strings): `%s` any value as CEL `string()` renders it, `%d`
 * integers, `%f`/`%.Nf` fixed, `%e` scientific, `%x`/`%X` hex of integers or strings, `%o` octal, `%b` binary,
 * `%%` a percent sign.
 */
export function celFormat(template: string, args: readonly unknown[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    if (template[i + 1] === '%') {
      out += '%';
      i++;
      continue;
    }
    const m = /^(?:\.(\d+))?([sdfexXob])/.exec(template.slice(i + 1));
    if (!m) throw new Error(`could not parse formatting clause at index ${i}`);
    if (next >= args.length) throw new Error(`index ${next} out of range`);
    const arg = args[next++];
    const precision = m[1] === undefined ? undefined : Number(m[1]);
    out += clause(m[2] ?? 's', arg, precision);
    i += m[0].length;
  }
  return out;
}

function asNumber(v: unknown): number | bigint {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && 'value' in v) {
    const u = v.value;
    if (typeof u === 'bigint' || typeof u === 'number') return u;
  }
  throw new Error(`expected a number, got ${typeof v}`);
}

function radix(v: unknown, base: number, upper = false): string {
  if (typeof v === 'string') {
    if (base !== 16) throw new Error('only %x and %X format strings');
    const hex = Buffer.from(v, 'utf8').toString('hex');
    return upper ? hex.toUpperCase() : hex;
  }
  if (v instanceof Uint8Array) {
    const hex = Buffer.from(v).toString('hex');
    return upper ? hex.toUpperCase() : hex;
  }
  const n = asNumber(v);
  const s = typeof n === 'bigint' ? n.toString(base) : Math.trunc(n).toString(base);
  return upper ? s.toUpperCase() : s;
}

export function celString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : String(v);
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v)) return `[${v.map(celString).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${celString(k)}: ${celString(x)}`).join(', ')}}`;
  if (typeof v === 'object' && 'value' in v) return celString(v.value);
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${celString(x)}`)
      .join(', ')}}`;
  }
  return typeof v === 'undefined' ? '' : typeof v;
}

function clause(verb: string, arg: unknown, precision: number | undefined): string {
  switch (verb) {
    case 's':
      return celString(arg);
    case 'd':
      // cel-go prints a double given to %d as it is.
      return String(asNumber(arg));
    case 'f':
      return Number(asNumber(arg)).toFixed(precision ?? 6);
    case 'e': {
      const s = Number(asNumber(arg)).toExponential(precision ?? 6);
      return s.replace(/e([+-])(\d)$/, 'e$10$2');
    }
    case 'x':
      return radix(arg, 16);
    case 'X':
      return radix(arg, 16, true);
    case 'o':
      return radix(arg, 8);
    default:
      return radix(arg, 2);
  }
}
