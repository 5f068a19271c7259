// Property-based fuzzing of artifact extraction and the SOPS stores (see harness.ts for the shared invariants).
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';

import fc from 'fast-check';

import { extractTarGz } from '../../src/artifacts/index.ts';
import { ArtifactTooLargeError, MalformedArchiveError, UnsafeArchiveError } from '../../src/artifacts/errors.ts';
import { AgeKeyService, decrypt, FORMATS, parseAgeIdentities, SopsError } from '../../src/engines/sops/index.ts';
import { checkAsync, soup } from './harness.ts';

/** header writes one ustar header block (checksum computed, or deliberately wrong). */
function header(e: { name: string; type: string; size: number; link: string; badChecksum: boolean }): Buffer {
  const b = Buffer.alloc(512);
  const put = (text: string, at: number, len: number): void => void Buffer.from(text, 'utf8').copy(b, at, 0, len);
  const octal = (n: number, len: number): string =>
    n
      .toString(8)
      .padStart(len - 1, '0')
      .slice(-(len - 1));
  put(e.name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(e.size, 12), 124, 12);
  put(octal(0, 12), 136, 12);
  put(e.type, 156, 1);
  put(e.link, 157, 100);
  put('ustar\u000000', 257, 8);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  put(`${octal(e.badChecksum ? sum + 1 : sum, 7)}\u0000`, 148, 8);
  return b;
}

const NAME_PIECES = ['a', 'b/', '../', './', '/', '.git/', 'x.yaml', '\u0000', 'é', '//', '.', '..', 'c'.repeat(120)];
const entry = fc.record({
  name: soup(NAME_PIECES, 6),
  type: fc.constantFrom('0', '0', '5', '2', '1', '3', '4', '6', '7', 'x', 'L', 'g', 'Z'),
  link: soup(NAME_PIECES, 4),
  body: fc.uint8Array({ maxLength: 700 }),
  declaredExtra: fc.integer({ min: -600, max: 600 }),
  badChecksum: fc.boolean(),
});
const archive = fc.record({
  entries: fc.array(entry, { maxLength: 8 }),
  end: fc.constantFrom('zeros', 'none', 'half'),
  corruptGzip: fc.boolean(),
});

type Archive = typeof archive extends fc.Arbitrary<infer T> ? T : never;

function tarOf(input: Archive): Buffer {
  const parts: Buffer[] = [];
  for (const e of input.entries) {
    const body = e.type === 'x' ? Buffer.from(`${e.body.length % 40} path=${e.name}\n`) : Buffer.from(e.body);
    const size = Math.max(0, body.length + (e.declaredExtra % 3 === 0 ? e.declaredExtra : 0));
    parts.push(header({ name: e.name, type: e.type, size, link: e.link, badChecksum: e.badChecksum }));
    parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  if (input.end === 'zeros') parts.push(Buffer.alloc(1024));
  if (input.end === 'half') parts.push(Buffer.alloc(300));
  return Buffer.concat(parts);
}

/** walk lists every path below root with lstat, so a link would show as a link. */
async function walk(root: string): Promise<{ path: string; link: boolean }[]> {
  const out: { path: string; link: boolean }[] = [];
  for (const name of await readdir(root)) {
    const p = join(root, name);
    const s = await lstat(p);
    out.push({ path: p, link: s.isSymbolicLink() });
    if (s.isDirectory()) out.push(...(await walk(p)));
  }
  return out;
}

let dir = '';
before(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'fluxts-fuzz-archives-')));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fuzz: archives and sops', () => {
  test('tar.gz extraction', async () => {
    // Invariants: a typed refusal (unsafe, malformed, too large), or a tree inside its own root with no links;
    // nothing is ever written beside the extraction root; a refused archive leaves no directory behind.
    let n = 0;
    const outcomes = await checkAsync(
      archive,
      [UnsafeArchiveError, MalformedArchiveError, ArtifactTooLargeError],
      async (input) => {
        const work = join(dir, `case-${n++}`);
        const parent = join(work, 'out');
        await mkdir(parent, { recursive: true });
        const file = join(work, 'a.tar.gz');
        let gz = gzipSync(tarOf(input));
        if (input.corruptGzip) gz = Buffer.concat([gz.subarray(0, gz.length >> 1), Buffer.from('junk')]);
        await writeFile(file, gz);
        try {
          const root = await extractTarGz(file, { parentDir: parent, maxEntries: 6, maxUncompressedBytes: 1 << 20 });
          for (const f of await walk(root)) {
            assert.ok(!f.link, `link extracted: ${f.path}`);
            assert.ok(!relative(root, f.path).startsWith('..'), `outside the root: ${f.path}`);
          }
          assert.deepEqual(await readdir(parent), [relative(parent, root)]);
        } finally {
          const left = await readdir(parent);
          assert.ok(left.length <= 1, `left behind: ${left.join(', ')}`);
          assert.deepEqual((await readdir(work)).sort(), ['a.tar.gz', 'out']);
          await rm(work, { recursive: true, force: true });
        }
      },
    );
    // Not vacuous: the generator makes archives of both kinds.
    assert.ok(outcomes.accepted > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });

  test('SOPS stores: every format, hostile input', async () => {
    // Invariant: decrypt refuses what it cannot read with a SopsError subclass (format, metadata, MAC, key),
    // for YAML, JSON, dotenv, INI and binary alike.
    const keys = [
      new AgeKeyService(
        parseAgeIdentities('AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX\n'),
      ),
    ];
    const sopsish = soup(
      [
        'sops:',
        '\n  ',
        'mac: ',
        'ENC[AES256_GCM,data:',
        ',iv:',
        ',tag:',
        ',type:str]',
        'version: 3.9.0',
        'age:',
        '- recipient: age1',
        'enc: |',
        'lastmodified: "2024-01-01T00:00:00Z"',
        'encrypted_regex: ^data$',
        'unencrypted_suffix: _u',
        '{"sops":',
        '"mac":',
        '}',
        '[',
        ']',
        '=',
        '\n',
        'sops_mac=',
        'sops_version=',
        '[sops]',
        'data: ',
        'a: *x',
        '&x ',
        '"',
        '\u0000',
        '\ufeff',
      ],
      40,
    );
    await checkAsync(
      fc.record({ format: fc.constantFrom(...FORMATS), text: sopsish }),
      [SopsError],
      async ({ format, text }) => {
        await decrypt(new TextEncoder().encode(text), { format, keys });
      },
    );
  });
});
