// Two processes asking goInstall for the same uncached tool at the same moment: the fresh-machine failure of issue
// #19 (one test file lost its binary from under it, `ENOENT …/staging/sops`) was exactly this, with a real `go
// install`. The tool here is a real Go program built by the real toolchain, served by a Go module proxy that is a
// directory (GOPROXY=file://…), so the test needs no network and leaves the user's caches alone.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

import { CachedBinary } from '../../src/devcluster/go-build.ts';

const MODULE = 'fluxts.test/race-probe';
const VERSION = 'v0.1.0';
const GREETING = 'race-probe built once';

const root = await mkdtemp(join(tmpdir(), 'fluxts-go-install-race-'));
after(async () => {
  // The Go module cache is read-only by design: make it writable before removing it.
  spawnSync('chmod', ['-R', 'u+w', root]);
  await rm(root, { recursive: true, force: true });
});

/** storedZip writes a zip archive without compression, which is all a Go module zip needs. */
function storedZip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const file = Buffer.from(name);
    const header = (size: number, signature: number): Buffer => {
      const h = Buffer.alloc(size);
      h.writeUInt32LE(signature, 0);
      return h;
    };
    const local = header(30, 0x04034b50);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(file.length, 26);
    const central = header(46, 0x02014b50);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(file.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, file, data);
    centrals.push(central, file);
    offset += local.length + file.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** fileProxy lays out one module version as the Go module proxy protocol describes, under `dir`. */
async function fileProxy(dir: string): Promise<string> {
  const goMod = `module ${MODULE}\n\ngo 1.22\n`;
  const versions = join(dir, MODULE, '@v');
  await mkdir(versions, { recursive: true });
  await writeFile(join(versions, 'list'), `${VERSION}\n`);
  await writeFile(
    join(versions, `${VERSION}.info`),
    JSON.stringify({ Version: VERSION, Time: '2026-01-01T00:00:00Z' }),
  );
  await writeFile(join(versions, `${VERSION}.mod`), goMod);
  const prefix = `${MODULE}@${VERSION}/`;
  await writeFile(
    join(versions, `${VERSION}.zip`),
    storedZip({
      [`${prefix}go.mod`]: goMod,
      [`${prefix}main.go`]: `package main\n\nfunc main() { println(${JSON.stringify(GREETING)}) }\n`,
    }),
  );
  return `file://${dir}`;
}

/** request runs goInstall in a child process once the parent says go, and returns its path and progress lines. */
function request(env: NodeJS.ProcessEnv): {
  ready: Promise<void>;
  go: () => void;
  done: Promise<{ path: string; progress: string[] }>;
} {
  const goBuild = JSON.stringify(fileURLToPath(new URL('../../src/devcluster/go-build.ts', import.meta.url)));
  const script = `
    import { goInstall } from ${goBuild};
    const progress = [];
    process.stdout.write('ready\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    const path = await goInstall(
      { pkg: ${JSON.stringify(MODULE)}, version: ${JSON.stringify(VERSION)}, binary: 'race-probe' },
      (line) => progress.push(line),
    );
    process.stdout.write(JSON.stringify({ path, progress }) + '\\n');
    process.exit(0);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let signalReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) signalReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<{ path: string; progress: string[] }>((resolve, reject) => {
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`goInstall child exited ${code}:\n${err}`));
      else resolve(JSON.parse(out.slice('ready\n'.length)) as { path: string; progress: string[] });
    });
  });
  return { ready, go: () => child.stdin.end('go\n'), done };
}

test('two processes asking goInstall for the same uncached tool at once share one real build', async () => {
  const cache = join(root, 'fluxts-cache');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLUXTS_CACHE_DIR: cache,
    GOPROXY: await fileProxy(join(root, 'proxy')),
    GOSUMDB: 'off',
    GOMODCACHE: join(root, 'gomodcache'),
  };
  // A test double of a tool: keep it out of the run's timing summary.
  delete env['FLUXTS_TIMING_FILE'];
  const first = request(env);
  const second = request(env);
  // Both children are loaded and waiting before either asks: the requests really are simultaneous.
  await Promise.all([first.ready, second.ready]);
  first.go();
  second.go();
  const results = await Promise.all([first.done, second.done]);

  const [a, b] = results;
  assert.ok(a && b);
  assert.equal(a.path, b.path, 'both got the same cached binary');
  const progress = results.flatMap((r) => r.progress);
  assert.equal(progress.filter((l) => l.startsWith('building race-probe')).length, 1, progress.join('\n'));
  const run = spawnSync(a.path, { encoding: 'utf8' });
  assert.equal(run.status, 0);
  assert.equal(run.stderr.trim(), GREETING);
  assert.equal(await new CachedBinary(a.path).isValid(), true, 'the binary matches its recorded checksum');
  const toolDir = join(cache, 'tools', `race-probe-${VERSION}`);
  assert.deepEqual(
    (await readdir(toolDir)).filter((e) => e.startsWith('staging-') || e === 'build.lock'),
    [],
    'no staging directory or lock is left behind',
  );
  assert.ok(existsSync(`${a.path}.sha256`));
});
