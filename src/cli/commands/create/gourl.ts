// A small part of Go's net/url.Parse: enough to get the scheme and host flux checks, and to reject what Go rejects
// in the common cases (control characters, a missing scheme before ':', a bad port).

/** GoUrl is the scheme (lowercased) and host (with port) of a parsed URL. */
export interface GoUrl {
  scheme: string;
  host: string;
}

/** parseGoUrl parses like url.Parse and returns an error message (without the URL's userinfo) on failure. */
export function parseGoUrl(raw: string): GoUrl | { error: string } {
  if (Array.from(raw).some((ch) => (ch.codePointAt(0) ?? 0) < 0x20 || ch === '\x7f'))
    return { error: 'net/url: invalid control character in URL' };
  const noFragment = raw.split('#')[0] ?? '';
  let rest = noFragment;
  let scheme = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return { error: 'missing protocol scheme' };
      scheme = rest.slice(0, i).toLowerCase();
      rest = rest.slice(i + 1);
    }
    break;
  }
  rest = rest.split('?')[0] ?? '';
  if (!rest.startsWith('//') || (scheme === '' && rest.startsWith('///'))) {
    if (scheme === '' && /^[^/]*:/.test(rest)) return { error: 'first path segment in URL cannot contain colon' };
    return { scheme, host: '' };
  }
  const authority = rest.slice(2).split('/')[0] ?? '';
  const at = authority.lastIndexOf('@');
  const host = at === -1 ? authority : authority.slice(at + 1);
  const portMatch = /:([^\]]*)$/.exec(host);
  if (portMatch && !host.startsWith('[') && !/^[0-9]*$/.test(portMatch[1] ?? '')) {
    return { error: `invalid port "${portMatch[0]}" after host` };
  }
  if (/[^A-Za-z0-9.\-_~!$&'()*+,;=:[\]%]/.test(host)) return { error: `invalid character in host name` };
  return { scheme, host };
}
