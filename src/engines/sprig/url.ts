/**
 * Sprig's `urlParse` and `urlJoin` over a port of Go's net/url (Parse, Hostname, Userinfo.String, URL.String):
 * the same split into scheme, opaque, userinfo, host, path, raw query and fragment, the same escaping tables, and
 * Go's parse errors (`parse "http://[::1": missing ']' in host`), which Sprig panics with.
 */
import { quote as goQuote, goFunc, kindOf, MAP_ANY, STRING, type FuncMap, type GoMap } from '../gotemplate/index.ts';
import { parseIp } from './crypto/ip.ts';
import { SprigError } from './errors.ts';
import { bytesOf } from './gostrings.ts';

type Mode = 'path' | 'host' | 'zone' | 'user' | 'fragment';

/** Characters each mode leaves unescaped (Go's encoding table); every other byte is %-escaped. */
const UNESCAPED: Record<Mode, Set<string>> = {
  path: new Set('$&+,-./0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~'),
  host: new Set(`!"$&'()*+,-.0123456789:;<=>ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz~`),
  zone: new Set(`!"$&'()*+,-.0123456789:;<=>ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz~`),
  user: new Set('$&+,-.0123456789;=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~'),
  fragment: new Set('!$&()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~'),
};

const shouldEscape = (b: number, mode: Mode): boolean => b >= 0x80 || !UNESCAPED[mode].has(String.fromCharCode(b));

/** escape is net/url's escape: %XX (upper case) for every byte the mode does not allow. */
function escape(s: string, mode: Mode): string {
  let out = '';
  for (const b of bytesOf(s)) {
    out += shouldEscape(b, mode) ? '%' + b.toString(16).toUpperCase().padStart(2, '0') : String.fromCharCode(b);
  }
  return out;
}

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** unescape is net/url's unescape (no `+` handling: query components are never unescaped here). */
function unescape(s: string, mode: Mode): string {
  let n = 0;
  for (let i = 0; i < s.length;) {
    if (s[i] === '%') {
      n++;
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) {
        throw new SprigError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      const v = parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === 'host' && v < 0x80 && s.slice(i, i + 3) !== '%25')
        throw new SprigError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      if (mode === 'zone' && s.slice(i, i + 3) !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) {
        throw new SprigError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      i += 3;
    } else {
      const c = s.charCodeAt(i);
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) {
        throw new SprigError(`invalid character ${goQuote(s[i] ?? '')} in host name`);
      }
      i++;
    }
  }
  if (n === 0) return s;
  const bytes = bytesOf(s);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x25) {
      out.push(parseInt(String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0), 16));
      i += 2;
    } else out.push(bytes[i] ?? 0);
  }
  return Buffer.from(out).toString('utf8');
}

/** Url is the parts of net/url.URL that Sprig reads and writes. */
interface Url {
  scheme: string;
  opaque: string;
  user: { username: string; password: string | undefined } | undefined;
  host: string;
  path: string;
  rawQuery: string;
  forceQuery: boolean;
  fragment: string;
  omitHost: boolean;
}

const validOptionalPort = (port: string): boolean => port === '' || /^:[0-9]*$/.test(port);

function parseHost(scheme: string, host: string): string {
  const open = host.lastIndexOf('[');
  if (open > 0) throw new SprigError('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new SprigError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new SprigError(`invalid port ${goQuote(colonPort)} after host`);
    const hostname = host.slice(1, close);
    const zone = hostname.indexOf('%25');
    const unescaped =
      zone >= 0
        ? unescape(hostname.slice(0, zone), 'host') + unescape(hostname.slice(zone), 'zone')
        : unescape(hostname, 'host');
    const addr = unescaped.split('%')[0] ?? '';
    const ip = parseIp(addr);
    if (ip === undefined || !addr.includes(':')) {
      if (ip !== undefined) throw new SprigError('invalid IP-literal');
      throw new SprigError(`invalid host: ParseAddr(${goQuote(unescaped)}): unable to parse IP`);
    }
    return '[' + unescaped + ']' + unescape(colonPort, 'host');
  }
  let i = host.indexOf(':');
  if (i >= 0) {
    const last = host.lastIndexOf(':');
    // Go 1.26 keeps the first colon for http and https hosts (urlstrictcolons), the last one otherwise.
    if (last !== i && scheme !== 'http' && scheme !== 'https') i = last;
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) throw new SprigError(`invalid port ${goQuote(colonPort)} after host`);
  }
  return unescape(host, 'host');
}

const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

function parseAuthority(scheme: string, authority: string): Pick<Url, 'user' | 'host'> {
  const at = authority.lastIndexOf('@');
  const host = parseHost(scheme, at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return { user: undefined, host };
  const userinfo = authority.slice(0, at);
  if (!USERINFO.test(userinfo)) throw new SprigError('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  if (colon < 0) return { user: { username: unescape(userinfo, 'user'), password: undefined }, host };
  return {
    user: {
      username: unescape(userinfo.slice(0, colon), 'user'),
      password: unescape(userinfo.slice(colon + 1), 'user'),
    },
    host,
  };
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new SprigError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

/** parseUrl is url.Parse; throws SprigError with Go's message (`parse "…": …`). */
export function parseUrl(raw: string): Url {
  const hash = raw.indexOf('#');
  const u = hash < 0 ? raw : raw.slice(0, hash);
  const url = wrap(u, () => parse(u));
  if (hash >= 0) url.fragment = wrap(raw, () => unescape(raw.slice(hash + 1), 'fragment'));
  return url;
}

function wrap<T>(url: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof SprigError) throw new SprigError(`parse ${goQuote(url)}: ${err.message}`, { cause: err });
    throw err;
  }
}

function parse(raw: string): Url {
  if ([...raw].some((c) => c < ' ' || c === '\x7f')) throw new SprigError('net/url: invalid control character in URL');
  const url: Url = {
    scheme: '',
    opaque: '',
    user: undefined,
    host: '',
    path: '',
    rawQuery: '',
    forceQuery: false,
    fragment: '',
    omitHost: false,
  };
  if (raw === '*') return { ...url, path: '*' };
  let [scheme, rest] = getScheme(raw);
  url.scheme = scheme.toLowerCase();
  scheme = url.scheme;
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) [rest, url.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { ...url, opaque: rest };
    if ((rest.split('/')[0] ?? '').includes(':'))
      throw new SprigError('first path segment in URL cannot contain colon');
  }
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
    Object.assign(url, parseAuthority(scheme, authority));
  } else if (scheme !== '' && rest.startsWith('/')) url.omitHost = true;
  url.path = unescape(rest, 'path');
  return url;
}

/** hostname is URL.Hostname: the host without its port and IPv6 brackets. */
function hostname(host: string): string {
  let h = host;
  const colon = h.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(h.slice(colon))) h = h.slice(0, colon);
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h;
}

function userString(user: Url['user']): string {
  if (user === undefined) return '';
  return escape(user.username, 'user') + (user.password === undefined ? '' : ':' + escape(user.password, 'user'));
}

/** formatUrl is URL.String. */
export function formatUrl(u: Url): string {
  let out = '';
  if (u.scheme !== '') out += u.scheme + ':';
  if (u.opaque !== '') out += u.opaque;
  else {
    if (u.scheme !== '' || u.host !== '' || u.user !== undefined) {
      if (!(u.omitHost && u.host === '' && u.user === undefined)) {
        if (u.host !== '' || u.path !== '' || u.user !== undefined) out += '//';
        if (u.user !== undefined) out += userString(u.user) + '@';
        if (u.host !== '') out += escape(u.host, 'host');
      }
    }
    // EscapedPath leaves a lone `*` alone (Go issue 11202).
    const path = u.path === '*' ? '*' : escape(u.path, 'path');
    if (path !== '' && path[0] !== '/' && u.host !== '') out += '/';
    if (out === '' && (path.split('/')[0] ?? '').includes(':')) out += './';
    out += path;
  }
  if (u.forceQuery || u.rawQuery !== '') out += '?' + u.rawQuery;
  if (u.fragment !== '') out += '#' + escape(u.fragment, 'fragment');
  return out;
}

export function urlFunctions(): FuncMap {
  return {
    urlParse: goFunc(
      [STRING],
      (v) => {
        let u: Url;
        try {
          u = parseUrl(v);
        } catch (err) {
          if (err instanceof SprigError) throw new SprigError(`unable to parse url: ${err.message}`, { cause: err });
          throw err;
        }
        const d: GoMap = {
        scheme: u.scheme, host: u.host, hostname: hostname(u.host), path: u.path, query: u.rawQuery, opaque: u.opaque,
        fragment: u.fragment, userinfo: userString(u.user),
      }; // prettier-ignore
        return d;
      },
      { type: MAP_ANY },
    ),
    urlJoin: goFunc(
      [MAP_ANY],
      (d) => {
        const get = (key: string): string => {
          if (!Object.hasOwn(d, key)) return '';
          const v = d[key];
          if (v === null || v === undefined) {
            throw new SprigError('runtime error: invalid memory address or nil pointer dereference');
          }
          if (typeof v !== 'string') {
            throw new SprigError(`unable to parse ${key} key, must be of type string, but ${kindOf(v)} found`);
          }
          return v;
        };
        const u: Url = {
        scheme: get('scheme'), host: get('host'), path: get('path'), rawQuery: get('query'), opaque: get('opaque'),
        fragment: get('fragment'), user: undefined, forceQuery: false, omitHost: false,
      }; // prettier-ignore
        const userinfo = get('userinfo');
        if (userinfo !== '') {
          try {
            u.user = parseUrl(`proto://${userinfo}@host`).user;
          } catch (err) {
            if (err instanceof SprigError)
              throw new SprigError(`unable to parse userinfo in dict: ${err.message}`, { cause: err });
            throw err;
          }
        }
        return formatUrl(u);
      },
      { type: STRING },
    ),
  };
}
