import type { Environment } from '@marcbachmann/cel-js';

import { celFormat } from './format.ts';

/**
 * The CEL extension libraries Flux enables on top of the standard library (cel-go `ext.Strings`, `ext.Sets`,
 * `ext.Encoders`), for what @marcbachmann/cel-js does not ship. Strings index by code point, as in cel-go.
 */

class StringsNamespace {}
class SetsNamespace {}
class Base64Namespace {}

const codePoints = (s: string): string[] => Array.from(s);

function charAt(s: string, i: bigint): string {
  const cps = codePoints(s);
  const n = Number(i);
  if (n < 0 || n > cps.length) throw new Error(`index out of range: ${n}`);
  return cps[n] ?? '';
}

function replaceN(s: string, from: string, to: string, n: bigint): string {
  if (n === 0n) return s;
  if (from === '') {
    // Go's strings.Replace: an empty pattern matches before every code point and at the end.
    const cps = codePoints(s);
    const limit = n < 0n ? cps.length + 1 : Math.min(Number(n), cps.length + 1);
    let out = '';
    for (let i = 0; i < cps.length; i++) out += (i < limit ? to : '') + (cps[i] ?? '');
    return out + (limit > cps.length ? to : '');
  }
  if (n < 0n) return s.split(from).join(to);
  let out = '';
  let rest = s;
  for (let count = 0n; count < n; count++) {
    const i = rest.indexOf(from);
    if (i < 0) break;
    out += rest.slice(0, i) + to;
    rest = rest.slice(i + from.length);
  }
  return out + rest;
}

/** quote is cel-go's strings.quote: a double-quoted CEL string literal. */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\v':
        out += '\\v';
        break;
      case '\x07':
        out += '\\a';
        break;
      default:
        out += ch;
    }
  }
  return out + '"';
}

/** celEquals is CEL equality for set membership: numbers compare across int, uint and double; lists and maps deeply. */
export function celEquals(a: unknown, b: unknown): boolean {
  const num = (v: unknown): number | bigint | undefined => {
    if (typeof v === 'bigint' || typeof v === 'number') return v;
    if (typeof v === 'object' && v !== null && 'value' in v && v.constructor.name === 'UnsignedInt') {
      const u = v.value;
      return typeof u === 'bigint' || typeof u === 'number' ? u : undefined;
    }
    return undefined;
  };
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) {
    if (typeof na === 'bigint' && typeof nb === 'bigint') return na === nb;
    return Number(na) === Number(nb);
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (a instanceof Map && b instanceof Map) {
    return a.size === b.size && [...a].every(([k, v]) => b.has(k) && celEquals(v, b.get(k)));
  }
  if (
    typeof a === 'object' &&
    a !== null &&
    typeof b === 'object' &&
    b !== null &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => k in rb && celEquals(ra[k], rb[k]));
  }
  return a === b;
}

const contains = (list: readonly unknown[], sub: readonly unknown[]): boolean =>
  sub.every((x) => list.some((y) => celEquals(x, y)));

function base64Decode(s: string): Uint8Array {
  // cel-go accepts padded and unpadded standard base64.
  if (
    !/^[A-Za-z0-9+/]*={0,2}$/.test(s) ||
    (s.includes('=') && s.length % 4 !== 0) ||
    s.replace(/=+$/, '').length % 4 === 1
  ) {
    throw new Error('illegal base64 data');
  }
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** registerFluxExtensions adds Flux's string, set and encoder functions to an environment. */
export function registerFluxExtensions(env: Environment): void {
  env
    .registerType('StringsNamespace', StringsNamespace)
    .registerConstant('strings', 'StringsNamespace', new StringsNamespace())
    .registerType('SetsNamespace', SetsNamespace)
    .registerConstant('sets', 'SetsNamespace', new SetsNamespace())
    .registerType('Base64Namespace', Base64Namespace)
    .registerConstant('base64', 'Base64Namespace', new Base64Namespace())
    .registerFunction('string.charAt(int): string', charAt)
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) =>
      replaceN(s, a, b, -1n),
    )
    .registerFunction('string.replace(string, string, int): string', replaceN)
    .registerFunction('string.reverse(): string', (s: string) => codePoints(s).reverse().join(''))
    .registerFunction('string.format(list): string', (s: string, args: unknown[]) => celFormat(s, args))
    .registerFunction('StringsNamespace.quote(string): string', (_: unknown, s: string) => quote(s))
    .registerFunction('SetsNamespace.contains(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) =>
      contains(a, b),
    )
    .registerFunction(
      'SetsNamespace.equivalent(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) => contains(a, b) && contains(b, a),
    )
    .registerFunction('SetsNamespace.intersects(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) =>
      a.some((x) => b.some((y) => celEquals(x, y))),
    )
    .registerFunction('Base64Namespace.encode(bytes): string', (_: unknown, b: Uint8Array) =>
      Buffer.from(b).toString('base64'),
    )
    .registerFunction('Base64Namespace.decode(string): bytes', (_: unknown, s: string) => base64Decode(s));
}
