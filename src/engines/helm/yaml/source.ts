import { YamlError } from './errors.ts';

/**
 * Source is the text the scanner reads, with go-yaml's reader checks: characters outside YAML's printable set
 * (C0 controls other than tab and line breaks, DEL, U+0080–U+009F except NEL, surrogates, U+FFFE/U+FFFF) are an
 * error. go-yaml decodes its input in 512-byte chunks ahead of the scanner, so such a character is reported only
 * once the scanner comes near its chunk: a syntax error earlier in the text wins, as in go-yaml. `visibleEnd` is the
 * UTF-16 index up to which the text has been "decoded".
 */
export class Source {
  readonly text: string;
  /** visibleEnd is where the decoded window ends; reading at or past it decodes the next chunk. */
  visibleEnd: number;
  private readonly badIndex: number;
  private readonly badProblem: string;

  constructor(text: string, bad?: { index: number; problem: string }) {
    this.text = text;
    const found = bad ?? findDisallowed(text);
    if (found === undefined) {
      this.badIndex = -1;
      this.badProblem = '';
      this.visibleEnd = Number.MAX_SAFE_INTEGER;
    } else {
      this.badIndex = found.index;
      this.badProblem = found.problem;
      this.visibleEnd = 0;
      this.decodeMore();
    }
  }

  /** decodeMore decodes the next 512-byte chunk, failing when it holds the first disallowed character. */
  decodeMore(): void {
    if (this.badIndex < 0) return;
    // Every chunk ends at the character boundary at or before 512 bytes past the previous chunk's end.
    let bytes = 0;
    let i = this.visibleEnd;
    const t = this.text;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      const width = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
      if (bytes + width > 512) break;
      if (i === this.badIndex) throw YamlError.plain('reader', this.badProblem);
      bytes += width;
      i += width === 4 ? 2 : 1;
    }
    if (i >= t.length && this.badIndex >= t.length) throw YamlError.plain('reader', this.badProblem);
    this.visibleEnd = i >= t.length ? Number.MAX_SAFE_INTEGER : i;
  }
}

/** findDisallowed returns the first character go-yaml's reader refuses, if any. */
function findDisallowed(text: string): { index: number; problem: string } | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) continue;
    if (c === 0x09 || c === 0x0a || c === 0x0d || c === 0x85) continue;
    if (c >= 0xa0 && c <= 0xd7ff) continue;
    if (c >= 0xe000 && c <= 0xfffd) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return { index: i, problem: 'invalid Unicode character' };
    }
    if (c >= 0xdc00 && c <= 0xdfff) return { index: i, problem: 'invalid Unicode character' };
    return { index: i, problem: 'control characters are not allowed' };
  }
  return undefined;
}

/**
 * decodeUtf8ForYaml turns bytes into text as go-yaml's reader would: a UTF-8 (or UTF-16 with a byte order mark)
 * decode whose failures carry go-yaml's messages. The text is cut at the first invalid sequence and the failure
 * is handed to Source, so that it surfaces when the scanner reaches that chunk.
 */
export function decodeUtf8ForYaml(bytes: Uint8Array): { text: string; bad?: { index: number; problem: string } } {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const le = bytes[0] === 0xff;
    const body = bytes.subarray(2);
    let text = '';
    for (let i = 0; i + 1 < body.length; i += 2) {
      text += String.fromCharCode(le ? body[i]! | (body[i + 1]! << 8) : (body[i]! << 8) | body[i + 1]!);
    }
    if (body.length % 2 === 1) return { text, bad: { index: text.length, problem: 'incomplete UTF-16 character' } };
    return { text };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    // Find the first bad sequence and classify it as go-yaml does.
    let text = '';
    const segStart = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    let i = segStart;
    while (i < bytes.length) {
      const b = bytes[i]!;
      const width =
        (b & 0x80) === 0 ? 1 : (b & 0xe0) === 0xc0 ? 2 : (b & 0xf0) === 0xe0 ? 3 : (b & 0xf8) === 0xf0 ? 4 : 0;
      let problem: string | undefined;
      if (width === 0) problem = 'invalid leading UTF-8 octet';
      else if (i + width > bytes.length) problem = 'incomplete UTF-8 octet sequence';
      else {
        let value = width === 1 ? b : width === 2 ? b & 0x1f : width === 3 ? b & 0x0f : b & 0x07;
        for (let k = 1; k < width && problem === undefined; k++) {
          const o = bytes[i + k]!;
          if ((o & 0xc0) !== 0x80) problem = 'invalid trailing UTF-8 octet';
          value = (value << 6) + (o & 0x3f);
        }
        if (problem === undefined) {
          const minimal =
            width === 1 ||
            (width === 2 && value >= 0x80) ||
            (width === 3 && value >= 0x800) ||
            (width === 4 && value >= 0x10000);
          if (!minimal) problem = 'invalid length of a UTF-8 sequence';
          else if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) problem = 'invalid Unicode character';
        }
      }
      if (problem !== undefined) {
        text += new TextDecoder().decode(bytes.subarray(segStart, i));
        return { text, bad: { index: text.length, problem } };
      }
      i += width;
    }
    text += new TextDecoder().decode(bytes.subarray(segStart, i));
    return { text };
  }
}
