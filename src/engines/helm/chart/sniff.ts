/**
 * detectContentType is Go's net/http.DetectContentType (the WHATWG sniffing table), which Helm uses to tell a
 * user what a file given as CHART is when it is not a gzipped archive. Helm sniffs a zero-filled 512-byte buffer,
 * so short text files read as binary (`application/octet-stream`), as they do in Helm.
 */
export function detectContentType(input: Uint8Array): string {
  const data = input.subarray(0, 512);
  let ws = 0;
  while (ws < data.length && [0x09, 0x0a, 0x0c, 0x0d, 0x20].includes(data[ws]!)) ws++;
  for (const sig of SIGNATURES) {
    const ct = sig(data, ws);
    if (ct !== undefined) return ct;
  }
  return 'application/octet-stream';
}

type Sig = (data: Uint8Array, firstNonWS: number) => string | undefined;

const bytes = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

function exact(sig: string, ct: string): Sig {
  const b = bytes(sig);
  return (data) => (b.every((v, i) => data[i] === v) && data.length >= b.length ? ct : undefined);
}

function masked(mask: string, pat: string, ct: string, skipWS = false): Sig {
  const m = bytes(mask);
  const p = bytes(pat);
  return (data, ws) => {
    const d = skipWS ? data.subarray(ws) : data;
    if (d.length < p.length) return undefined;
    return p.every((v, i) => (d[i]! & m[i]!) === v) ? ct : undefined;
  };
}

function html(tag: string): Sig {
  const h = bytes(tag);
  return (data, ws) => {
    const d = data.subarray(ws);
    if (d.length < h.length + 1) return undefined;
    for (let i = 0; i < h.length; i++) {
      let db = d[i]!;
      if (h[i]! >= 0x41 && h[i]! <= 0x5a) db &= 0xdf;
      if (db !== h[i]) return undefined;
    }
    const tt = d[h.length];
    return tt === 0x20 || tt === 0x3e ? 'text/html; charset=utf-8' : undefined;
  };
}

const mp4: Sig = (data) => {
  if (data.length < 12) return undefined;
  const boxSize = ((data[0]! << 24) >>> 0) + (data[1]! << 16) + (data[2]! << 8) + data[3]!;
  if (data.length < boxSize || boxSize % 4 !== 0) return undefined;
  if (String.fromCharCode(...data.subarray(4, 8)) !== 'ftyp') return undefined;
  for (let st = 8; st < boxSize; st += 4) {
    if (st === 12) continue;
    if (String.fromCharCode(...data.subarray(st, st + 3)) === 'mp4') return 'video/mp4';
  }
  return undefined;
};

const text: Sig = (data, ws) => {
  for (let i = ws; i < data.length; i++) {
    const b = data[i]!;
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) return undefined;
  }
  return 'text/plain; charset=utf-8';
};

const F = '\xff';
const SIGNATURES: Sig[] = [
  ...['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE'].map(
    html,
  ),
  ...['<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'].map(html),
  masked(F.repeat(5), '<?xml', 'text/xml; charset=utf-8', true),
  exact('%PDF-', 'application/pdf'),
  exact('%!PS-Adobe-', 'application/postscript'),
  masked('\xff\xff\x00\x00', '\xfe\xff\x00\x00', 'text/plain; charset=utf-16be'),
  masked('\xff\xff\x00\x00', '\xff\xfe\x00\x00', 'text/plain; charset=utf-16le'),
  masked('\xff\xff\xff\x00', '\xef\xbb\xbf\x00', 'text/plain; charset=utf-8'),
  exact('\x00\x00\x01\x00', 'image/x-icon'),
  exact('\x00\x00\x02\x00', 'image/x-icon'),
  exact('BM', 'image/bmp'),
  exact('GIF87a', 'image/gif'),
  exact('GIF89a', 'image/gif'),
  masked('\xff\xff\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff', 'RIFF\x00\x00\x00\x00WEBPVP', 'image/webp'),
  exact('\x89PNG\x0d\x0a\x1a\x0a', 'image/png'),
  exact('\xff\xd8\xff', 'image/jpeg'),
  masked('\xff\xff\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff', 'FORM\x00\x00\x00\x00AIFF', 'audio/aiff'),
  masked('\xff\xff\xff', 'ID3', 'audio/mpeg'),
  masked(F.repeat(5), 'OggS\x00', 'application/ogg'),
  masked(F.repeat(8), 'MThd\x00\x00\x00\x06', 'audio/midi'),
  masked('\xff\xff\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff', 'RIFF\x00\x00\x00\x00AVI ', 'video/avi'),
  masked('\xff\xff\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff', 'RIFF\x00\x00\x00\x00WAVE', 'audio/wave'),
  mp4,
  exact('\x1a\x45\xdf\xa3', 'video/webm'),
  masked('\x00'.repeat(34) + '\xff\xff', '\x00'.repeat(34) + 'LP', 'application/vnd.ms-fontobject'),
  exact('\x00\x01\x00\x00', 'font/ttf'),
  exact('OTTO', 'font/otf'),
  exact('ttcf', 'font/collection'),
  exact('wOFF', 'font/woff'),
  exact('wOF2', 'font/woff2'),
  exact('\x1f\x8b\x08', 'application/x-gzip'),
  exact('PK\x03\x04', 'application/zip'),
  exact('Rar!\x1a\x07\x00', 'application/x-rar-compressed'),
  exact('Rar!\x1a\x07\x01\x00', 'application/x-rar-compressed'),
  exact('\x00\x61\x73\x6d', 'application/wasm'),
  text,
];
