// Extraction of artifacts fluxts did not pack (OCI layers, buckets, ExternalArtifacts): hostile archives are
// crafted with Python's tarfile module, an independent tar writer, and every one must end in a typed error or a
// safe tree, in bounded time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  ArtifactTooLargeError,
  extractTarGz,
  MalformedArchiveError,
  UnsafeArchiveError,
  type UnsafeArchiveReason,
} from '../../src/artifacts/index.ts';

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-art-test-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Member is one archive member for craft; `pax` is a bare PAX extended header ('x') with raw records. */
type Member =
  | { name: string; type: 'file'; data?: string; zeros?: number }
  | { name: string; type: 'dir' | 'chr' | 'blk' | 'fifo' }
  | { name: string; type: 'sym' | 'hard'; link: string }
  | { name: string; type: 'pax'; records: [string, string][] }
  | { type: 'repeat'; times: number; member: Member };

// craft writes a .tar.gz with Python's tarfile from a JSON list of members ('repeat' expands in Python, so a
// huge archive costs no JSON).
function craft(file: string, members: Member[]): void {
  const script = `
import io, json, sys, tarfile
members = json.loads(sys.stdin.read())
types = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'sym': tarfile.SYMTYPE, 'hard': tarfile.LNKTYPE,
         'chr': tarfile.CHRTYPE, 'blk': tarfile.BLKTYPE, 'fifo': tarfile.FIFOTYPE, 'pax': tarfile.XHDTYPE}
def record(k, v):
    body = ' %s=%s\\n' % (k, v)
    n = len(body.encode()) + 1
    while len(str(n)) + len(body.encode()) != n: n += 1
    return ('%d%s' % (n, body)).encode()
def add(t, m, i):
    if m['type'] == 'repeat':
        for j in range(m['times']): add(t, m['member'], j)
        return
    ti = tarfile.TarInfo(m.get('name', 'PaxHeader').replace('{i}', str(i)))
    ti.type = types[m['type']]
    ti.linkname = m.get('link', '').replace('{i}', str(i))
    if m['type'] == 'pax':
        data = b''.join(record(k.replace('{i}', str(i)), v) for k, v in m['records'])
    else:
        data = m.get('data', '').encode() + bytes(m.get('zeros', 0))
    ti.size = len(data) if m['type'] in ('file', 'pax') else 0
    t.addfile(ti, io.BytesIO(data) if ti.size else None)
with tarfile.open(sys.argv[1], 'w:gz', format=tarfile.GNU_FORMAT) as t:
    for m in members: add(t, m, 0)
`;
  execFileSync('python3', ['-c', script, file], { input: JSON.stringify(members) });
}

async function extractIn(tmp: string, members: Member[], opts = {}): Promise<{ dir?: string; err?: unknown }> {
  const file = join(tmp, `a${Math.random().toString(36).slice(2)}.tar.gz`);
  craft(file, members);
  try {
    return { dir: await extractTarGz(file, { parentDir: tmp, ...opts }) };
  } catch (err) {
    return { err };
  }
}

const hostile: [string, Member[], UnsafeArchiveReason][] = [
  ['dot-dot name', [{ name: '../evil.txt', type: 'file', data: 'x' }], 'parent-traversal'],
  ['nested dot-dot', [{ name: 'a/../../evil.txt', type: 'file', data: 'x' }], 'parent-traversal'],
  ['absolute name', [{ name: '/tmp/evil.txt', type: 'file', data: 'x' }], 'absolute-path'],
  ['hard link out', [{ name: 'h', type: 'hard', link: '../../etc/passwd' }], 'parent-traversal'],
  [
    'hard link to a directory',
    [
      { name: 'd', type: 'dir' },
      { name: 'h', type: 'hard', link: 'd' },
    ],
    'link-escape',
  ],
  ['char device', [{ name: 'null', type: 'chr' }], 'device-file'],
  ['block device', [{ name: 'sda', type: 'blk' }], 'device-file'],
  ['fifo', [{ name: 'pipe', type: 'fifo' }], 'unsupported-type'],
];

for (const [title, members, reason] of hostile) {
  void test(`extraction refuses a hostile archive: ${title}`, () =>
    withTmp(async (tmp) => {
      const work = join(tmp, 'work');
      await mkdir(work);
      const { err } = await extractIn(work, members);
      assert.ok(err instanceof UnsafeArchiveError, `expected UnsafeArchiveError, got ${String(err)}`);
      assert.equal(err.reason, reason);
      assert.deepEqual(
        (await readdir(work)).filter((f) => !f.endsWith('.tar.gz')),
        [],
        'the partial extraction is removed',
      );
      await assert.rejects(readFile(join(tmp, 'evil.txt')), { code: 'ENOENT' });
    }));
}

void test('symbolic links are left out like Flux untar WithSkipSymlinks: out of the root, in it, or looping', () =>
  withTmp(async (tmp) => {
    const { dir, err } = await extractIn(tmp, [
      { name: 'dir', type: 'dir' },
      { name: 'dir/a.yaml', type: 'file', data: 'A' },
      { name: 'dir/in-root.yaml', type: 'sym', link: 'a.yaml' },
      { name: 'out', type: 'sym', link: '../../etc/passwd' },
      { name: 'abs', type: 'sym', link: '/etc/passwd' },
      // Two links to "." made the generated-kustomization walk exponential.
      { name: 'dir/loop1', type: 'sym', link: '.' },
      { name: 'dir/loop2', type: 'sym', link: '.' },
      // A write "through" a link now lands in a real directory of that name.
      { name: 'd', type: 'sym', link: '.' },
      { name: 'd/x.txt', type: 'file', data: 'x' },
    ]);
    assert.equal(err, undefined);
    assert.ok(dir !== undefined);
    assert.deepEqual((await readdir(dir)).sort(), ['d', 'dir']);
    assert.deepEqual(await readdir(join(dir, 'dir')), ['a.yaml']);
    assert.ok((await lstat(join(dir, 'd'))).isDirectory());
    assert.equal(await readFile(join(dir, 'd/x.txt'), 'utf8'), 'x');
  }));

void test('hard links become copies, and the copies count towards the size cap', () =>
  withTmp(async (tmp) => {
    const ok = await extractIn(tmp, [
      { name: 'dir/a.yaml', type: 'file', data: 'A' },
      { name: 'copy.yaml', type: 'hard', link: 'dir/a.yaml' },
    ]);
    assert.equal(await readFile(join(ok.dir ?? '', 'copy.yaml'), 'utf8'), 'A');
    // 200 KB once, linked 20 times: 4 MB on disk from a tiny archive.
    const { err } = await extractIn(
      tmp,
      [
        { name: 'big', type: 'file', zeros: 200_000 },
        { type: 'repeat', times: 20, member: { name: 'copy{i}', type: 'hard', link: 'big' } },
      ],
      { maxUncompressedBytes: 1_000_000 },
    );
    assert.ok(err instanceof ArtifactTooLargeError && err.which === 'uncompressed', String(err));
  }));

void test('caps: decompressed size (gzip bomb), expansion ratio and entry count', () =>
  withTmp(async (tmp) => {
    const bomb = await extractIn(tmp, [{ name: 'zeros', type: 'file', zeros: 5_000_000 }], {
      maxUncompressedBytes: 1_000_000,
    });
    assert.ok(bomb.err instanceof ArtifactTooLargeError && bomb.err.which === 'uncompressed', String(bomb.err));
    // 20 MB of zeros compress about 1000:1; the default ratio cap is 200 past 16 MiB.
    const ratio = await extractIn(tmp, [{ name: 'zeros', type: 'file', zeros: 20 << 20 }]);
    assert.ok(ratio.err instanceof ArtifactTooLargeError && ratio.err.which === 'ratio', String(ratio.err));
    assert.match(String(ratio.err), /expands more than 200 times its compressed size/u);
    const many = await extractIn(tmp, [{ type: 'repeat', times: 1001, member: { name: 'f{i}.yaml', type: 'file' } }], {
      maxEntries: 1000,
    });
    assert.ok(many.err instanceof ArtifactTooLargeError && many.err.which === 'entries', String(many.err));
    assert.equal((many.err as Error).message, 'artifact has more than 1000 entries');
    const junk = join(tmp, 'junk.tar.gz');
    await writeFile(junk, gzipSync(Buffer.alloc(700, 7)));
    assert.ok((await extractTarGz(junk, { parentDir: tmp }).catch((e: unknown) => e)) instanceof MalformedArchiveError);
  }));

void test('thousands of PAX headers with distinct keys extract in linear time', () =>
  withTmp(async (tmp) => {
    // 1,500 extended headers of 400 records each (6 MB of records) before one file: merging the records into one
    // object per header was quadratic (minutes); keeping only path/linkpath/size is linear.
    const records: [string, string][] = Array.from({ length: 400 }, (_, k) => [`k{i}x${k}`, 'v']);
    const started = performance.now();
    const { dir, err } = await extractIn(tmp, [
      { type: 'repeat', times: 1500, member: { name: 'PaxHeader', type: 'pax', records } },
      { name: 'last.yaml', type: 'file', data: 'L' },
    ]);
    const ms = performance.now() - started;
    assert.equal(err, undefined, String(err));
    assert.equal(await readFile(join(dir ?? '', 'last.yaml'), 'utf8'), 'L');
    assert.ok(ms < 30_000, `took ${Math.round(ms)} ms`);
  }));

void test('entries the filesystem cannot hold are MalformedArchiveError naming the entry (ENAMETOOLONG, EEXIST)', () =>
  withTmp(async (tmp) => {
    const long = await extractIn(tmp, [{ name: `${'n'.repeat(300)}.yaml`, type: 'file', data: 'x' }]);
    assert.ok(long.err instanceof MalformedArchiveError, String(long.err));
    assert.match(String(long.err), /archive entry "n{300}\.yaml" cannot be extracted: ENAMETOOLONG/u);
    const exists = await extractIn(tmp, [
      { name: 'a', type: 'file', data: 'x' },
      { name: 'a', type: 'dir' },
    ]);
    assert.ok(exists.err instanceof MalformedArchiveError, String(exists.err));
    assert.match(String(exists.err), /archive entry "a\/?" cannot be extracted: EEXIST/u);
    const below = await extractIn(tmp, [
      { name: 'a', type: 'file', data: 'x' },
      { name: 'a/b.yaml', type: 'file', data: 'y' },
    ]);
    assert.ok(below.err instanceof MalformedArchiveError, String(below.err));
    const replace = await extractIn(tmp, [
      { name: 'a', type: 'dir' },
      { name: 'a', type: 'file', data: 'y' },
    ]);
    assert.ok(replace.err instanceof MalformedArchiveError, String(replace.err));
  }));
