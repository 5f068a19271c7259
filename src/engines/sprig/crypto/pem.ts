/** PEM as Go's encoding/pem writes and finds it. */

/** pemEncode is pem.EncodeToMemory: base64 in 64-character lines. */
export function pemEncode(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `-----BEGIN ${type}-----\n${body}-----END ${type}-----\n`;
}

/** PemBlock is one decoded block. */
export interface PemBlock {
  type: string;
  bytes: Uint8Array;
}

/** pemDecode finds the first well-formed PEM block in `text`, as pem.Decode does (headers are skipped). */
export function pemDecode(text: string): PemBlock | undefined {
  const re = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    const lines = (m[2] ?? '').split(/\r?\n/);
    // Skip RFC 1421 headers (lines with a colon before a blank line).
    let start = 0;
    if (lines.some((l) => l.includes(':'))) {
      const blank = lines.indexOf('');
      if (blank >= 0) start = blank + 1;
    }
    const b64 = lines.slice(start).join('').replace(/[ \t]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) continue;
    return { type: m[1] ?? '', bytes: Buffer.from(b64, 'base64') };
  }
  return undefined;
}
