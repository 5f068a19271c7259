import { isIPv6 } from 'node:net';

/**
 * The `format` checks santhosh-tekuri/jsonschema v6 asserts (drafts 4–7 assert formats; 2019-09 and 2020-12 only
 * annotate them), with the library's messages. Each returns undefined when the value passes (or is not a string).
 */

type Check = (s: string) => string | undefined;

const quoteRune = (ch: string): string => (ch === "'" ? "'\\''" : `'${JSON.stringify(ch).slice(1, -1)}'`);

function uuid(s: string): string | undefined {
  const sizes = [8, 4, 4, 4, 12];
  const groups = s.split('-');
  if (groups.length !== sizes.length) return `must have ${sizes.length} elements`;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (Buffer.byteLength(g) !== sizes[i]) return `element ${i + 1} must be ${sizes[i]} characters long`;
    for (const ch of g) if (!/[0-9a-fA-F]/.test(ch)) return `non-hex character ${quoteRune(ch)}`;
  }
  return undefined;
}

function ipv4(s: string): string | undefined {
  const groups = s.split('.');
  if (groups.length !== 4) return 'expected four decimals';
  for (const g of groups) {
    if (g.length > 1 && g[0] === '0') return 'leading zeros';
    if (!/^[+-]?[0-9]+$/.test(g)) return `strconv.Atoi: parsing ${JSON.stringify(g)}: invalid syntax`;
    const n = Number(g);
    if (n < 0 || n > 255) return 'decimal must be between 0 and 255';
  }
  return undefined;
}

function ipv6(s: string): string | undefined {
  if (!s.includes(':')) return 'missing colon';
  if (s.includes('%'))
    return isIPv6(s.slice(0, s.indexOf('%')))
      ? 'zone id is not a part of ipv6 address'
      : `ParseAddr(${JSON.stringify(s)}): invalid IPv6 address`;
  return isIPv6(s) ? undefined : `ParseAddr(${JSON.stringify(s)}): invalid IPv6 address`;
}

function hostname(input: string): string | undefined {
  const s = input.endsWith('.') ? input.slice(0, -1) : input;
  if (Buffer.byteLength(s) > 253) return 'more than 253 characters long';
  for (const label of s.split('.')) {
    const len = Buffer.byteLength(label);
    if (len < 1 || len > 63) return 'label must be 1 to 63 characters long';
    if (label.startsWith('-')) return 'label starts with hyphen';
    if (label.endsWith('-')) return 'label ends with hyphen';
    for (const ch of label) if (!/[a-zA-Z0-9-]/.test(ch)) return `invalid character ${quoteRune(ch)}`;
  }
  return undefined;
}

function email(s: string): string | undefined {
  if (Buffer.byteLength(s) > 254) return 'more than 255 characters long';
  const at = s.lastIndexOf('@');
  if (at === -1) return 'missing @';
  const local = s.slice(0, at);
  let domain = s.slice(at + 1);
  if (Buffer.byteLength(local) > 64) return 'local part more than 64 characters long';
  if (local.length > 1 && local.startsWith('"')) {
    const inner = local.slice(1, -1);
    if (inner.includes('\\') || inner.includes('"'))
      return 'backslash and quote are not allowed within quoted local part';
  } else {
    if (local.startsWith('.')) return 'starts with dot';
    if (local.endsWith('.')) return 'ends with dot';
    if (local.includes('..')) return 'consecutive dots';
    for (const ch of local)
      if (!/[a-zA-Z0-9.!#$%&'*+\-/=?^_`{|}~]/.test(ch)) return `invalid character ${quoteRune(ch)}`;
  }
  if (domain.startsWith('[') && domain.endsWith(']')) {
    domain = domain.slice(1, -1);
    if (domain.startsWith('IPv6:')) {
      const e = ipv6(domain.slice(5));
      return e === undefined ? undefined : `invalid ipv6 address: ${e}`;
    }
    const e = ipv4(domain);
    return e === undefined ? undefined : `invalid ipv4 address: ${e}`;
  }
  const e = hostname(domain);
  return e === undefined ? undefined : `invalid domain: ${e}`;
}

function date(s: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m === null)
    return `parsing time ${JSON.stringify(s)} as "2006-01-02": cannot parse ${JSON.stringify(s)} as "2006"`;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12) return `parsing time ${JSON.stringify(s)}: month out of range`;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (d < 1 || d > days[mo - 1]!) return `parsing time ${JSON.stringify(s)}: day out of range`;
  return undefined;
}

function time(input: string): string | undefined {
  let str = input;
  if (str.length < 9) return 'less than 9 characters long';
  if (str[2] !== ':' || str[5] !== ':') return 'missing colon in correct place';
  const hms: number[] = [];
  for (const tok of str.slice(0, 8).split(':')) {
    if (!/^[+-]?[0-9]+$/.test(tok)) return 'invalid hour/min/sec';
    const i = Number(tok);
    if (i < 0) return 'non-positive hour/min/sec';
    hms.push(i);
  }
  let [h, m] = [hms[0]!, hms[1]!];
  const sec = hms[2]!;
  if (h > 23 || m > 59 || sec > 60) return 'hour/min/sec out of range';
  str = str.slice(8);
  if (str.startsWith('.')) {
    const digits = /^\.([0-9]*)/.exec(str)![1]!;
    if (digits.length === 0) return 'no digits in second fraction';
    str = str.slice(1 + digits.length);
  }
  if (str !== 'z' && str !== 'Z') {
    if (str.length !== 6) return 'offset must be 6 characters long';
    let sign: number;
    if (str[0] === '+') sign = -1;
    else if (str[0] === '-') sign = 1;
    else return 'offset must begin with plus/minus';
    str = str.slice(1);
    if (str[2] !== ':') return 'missing colon in offset in correct place';
    const zhm: number[] = [];
    for (const tok of str.split(':')) {
      if (!/^[+-]?[0-9]+$/.test(tok)) return 'invalid hour/min in offset';
      const i = Number(tok);
      if (i < 0) return 'non-positive hour/min in offset';
      zhm.push(i);
    }
    const [zh, zm] = [zhm[0]!, zhm[1]!];
    if (zh > 23 || zm > 59) return 'hour/min in offset out of range';
    let hm = h * 60 + m + sign * (zh * 60 + zm);
    if (hm < 0) hm += 24 * 60;
    [h, m] = [Math.floor(hm / 60), hm % 60];
  }
  if (sec >= 60 && (h !== 23 || m !== 59)) return 'invalid leap second';
  return undefined;
}

function dateTime(s: string): string | undefined {
  if (Buffer.byteLength(s) < 20) return 'less than 20 characters long';
  if (s[10] !== 't' && s[10] !== 'T') return '11th character must be t or T';
  const d = date(s.slice(0, 10));
  if (d !== undefined) return `invalid date element: ${d}`;
  const t = time(s.slice(11));
  if (t !== undefined) return `invalid time element: ${t}`;
  return undefined;
}

const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function uriReference(s: string): string | undefined {
  if (s.includes('\\')) return 'contains \\';
  // eslint-disable-next-line no-control-regex -- net/url refuses ASCII control characters
  if (/[\x00-\x1f\x7f ]/.test(s)) return `parse ${JSON.stringify(s)}: net/url: invalid control character in URL`;
  return undefined;
}

function uri(s: string): string | undefined {
  const e = uriReference(s.replaceAll('\\', '/'));
  if (e !== undefined) return e;
  if (!URL_SCHEME.test(s)) return 'relative url';
  return undefined;
}

/** FORMATS maps a format name to its check. Formats outside this table are not asserted. */
export const FORMATS: ReadonlyMap<string, Check> = new Map<string, Check>([
  ['uuid', uuid],
  ['ipv4', ipv4],
  ['ipv6', ipv6],
  ['hostname', hostname],
  ['email', email],
  ['date', date],
  ['time', time],
  ['date-time', dateTime],
  ['uri', uri],
  ['iri', uri],
  ['uri-reference', uriReference],
  ['iri-reference', uriReference],
]);
