// Distinguished names of Notation's `x509.subject:` trusted identities, read as notation-go v1.3 reads them:
// go-ldap v3.4.10's RFC 4514 parser (escapes `\,` and hex pairs `\41`, spaces trimmed around types and values,
// `,` or `;` between RDNs, `+` inside one), then notation's own rules (no `=#` BER values, no multi-valued RDNs,
// no attribute twice, `S` read as `ST`, `C`, `ST` and `O` required). Errors carry notation's words.
import { quote as goQuote, quoteRune } from '../../../engines/gotemplate/index.ts';

/** DnError is a distinguished name notation refuses; the message is notation's. */
export class DnError extends Error {}

const SPECIAL_ESCAPES = new Set([' ', '"', '#', '+', ',', ';', '<', '=', '>', '\\']);
const HEX = '0123456789abcdefABCDEF';

/** stripSpaces trims spaces at both ends, keeping a trailing space that was escaped. */
function stripSpaces(s: string): string {
  let out = s.replace(/^ +| +$/g, '');
  if (out.endsWith('\\') && s.endsWith(' ')) out += ' ';
  return out;
}

/** decodeString is go-ldap's decodeString: trimmed, with special-character and hex-pair escapes undone. */
function decodeString(raw: string): string {
  const s = [...stripSpaces(raw)];
  const bytes: number[] = [];
  const push = (text: string): void => void bytes.push(...Buffer.from(text, 'utf8'));
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch !== '\\') {
      push(ch);
      continue;
    }
    if (i + 1 >= s.length) throw new DnError(`got corrupted escaped character: '${s.join('')}'`);
    const next = s[i + 1] ?? '';
    if (SPECIAL_ESCAPES.has(next)) {
      push(next);
      i++;
      continue;
    }
    if (i + 2 >= s.length) {
      throw new DnError(`failed to decode escaped character: encoding/hex: invalid byte: ${next}`);
    }
    const pair = `${next}${s[i + 2] ?? ''}`;
    if (Buffer.byteLength(pair, 'utf8') !== 2) {
      throw new DnError(`failed to decode escaped character: invalid byte: ${pair}`);
    }
    for (const c of pair) {
      if (!HEX.includes(c)) {
        // hex.InvalidByteError prints the byte with %#U: the quoted character only when it is printable.
        const code = c.charCodeAt(0);
        const printable = code >= 0x20 && code < 0x7f ? ` ${quoteRune(code)}` : '';
        throw new DnError(
          `failed to decode escaped character: encoding/hex: invalid byte: U+${code.toString(16).toUpperCase().padStart(4, '0')}${printable}`,
        );
      }
    }
    bytes.push(parseInt(pair, 16));
    i += 2;
  }
  return Buffer.from(bytes).toString('utf8');
}

interface Attribute {
  type: string;
  value: string;
}

/** parseDn is go-ldap's ParseDN: the RDNs of a DN, each a list of type/value attributes. */
function parseDn(str: string): Attribute[][] {
  if (str.trim() === '') return [];
  const rdns: Attribute[][] = [];
  let rdn: Attribute[] = [];
  let type: string | undefined;
  let escaping = false;
  let start = 0;
  for (let i = 0; i < str.length; i++) {
    const ch = str[i];
    if (escaping) {
      escaping = false;
    } else if (ch === '\\') {
      escaping = true;
    } else if (ch === '=' && !type) {
      type = decodeString(str.slice(start, i));
      start = i + 1;
    } else if (ch === ',' || ch === '+' || ch === ';') {
      if (!type) throw new DnError('incomplete type, value pair');
      rdn.push({ type, value: decodeValue(str.slice(start, i)) });
      type = undefined;
      start = i + 1;
      if (ch !== '+') {
        rdns.push(rdn);
        rdn = [];
      }
    }
  }
  if (!type) throw new DnError('DN ended with incomplete type, value pair');
  rdn.push({ type, value: decodeValue(str.slice(start)) });
  rdns.push(rdn);
  return rdns;
}

/** decodeValue: a value starting with `#` is BER-encoded; notation refuses those before parsing (`=#`). */
function decodeValue(raw: string): string {
  if (raw.startsWith('#')) throw new DnError('failed to decode BER encoding: values starting with # are not read');
  return decodeString(raw);
}

/**
 * parseDistinguishedName is notation-go's pkix.ParseDistinguishedName: attribute type → value. Throws DnError with
 * notation's message.
 */
export function parseDistinguishedName(name: string): Map<string, string> {
  if (name.includes('=#')) {
    throw new DnError(
      `unsupported distinguished name (DN) ${goQuote(name)}: notation does not support x509.subject identities containing "=#"`,
    );
  }
  let rdns: Attribute[][];
  try {
    rdns = parseDn(name);
  } catch (err) {
    if (!(err instanceof DnError)) throw err;
    throw new DnError(
      `parsing distinguished name (DN) ${goQuote(name)} failed with err: ${err.message}. A valid DN must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum, and follow RFC 4514 standard`,
    );
  }
  const out = new Map<string, string>();
  for (const rdn of rdns) {
    if (rdn.length > 1) {
      throw new DnError(
        `distinguished name (DN) ${goQuote(name)} has multi-valued RDN attributes, remove multi-valued RDN attributes as they are not supported`,
      );
    }
    for (const attribute of rdn) {
      const type = attribute.type === 'S' ? 'ST' : attribute.type;
      // An attribute seen with an empty value may be given again (notation tests the value, not the key).
      if ((out.get(type) ?? '') !== '') {
        throw new DnError(
          `distinguished name (DN) ${goQuote(name)} has duplicate RDN attribute for ${goQuote(type)}, DN can only have unique RDN attributes`,
        );
      }
      out.set(type, attribute.value);
    }
  }
  for (const field of ['C', 'ST', 'O']) {
    if ((out.get(field) ?? '') === '') {
      throw new DnError(
        `distinguished name (DN) ${goQuote(name)} has no mandatory RDN attribute for ${goQuote(field)}, it must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum`,
      );
    }
  }
  return out;
}

/** isSubsetDn is notation's IsSubsetDN: every attribute of `a` has the same value in `b` (missing reads as ''). */
export function isSubsetDn(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return [...a].every(([k, v]) => (b.get(k) ?? '') === v);
}
