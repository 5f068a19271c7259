import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { adler32, hashDir } from './dirhash.ts';

test('adler32 matches RFC 1950 reference values', () => {
  assert.equal(adler32(Buffer.from('')), 1);
  assert.equal(adler32(Buffer.from('Wikipedia')), 0x11e60398);
  // Past zlib's NMAX block, where a missing modulo would overflow.
  assert.equal(adler32(Buffer.alloc(100_000, 0xff)), 0x149a302c);
});

test('hashDir hashes sorted "<sum>  <prefix>/<path>" lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxts-dirhash-'));
  try {
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b/x.yaml'), 'x');
    writeFileSync(join(dir, 'a.yaml'), 'a');
    const lines = `${adler32(Buffer.from('a')).toString(16)}  app/a.yaml\n${adler32(Buffer.from('x')).toString(16)}  app/b/x.yaml\n`;
    assert.equal(await hashDir(dir, 'app'), String(adler32(Buffer.from(lines))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
