// An image of the local OCI layout unpacked into a root filesystem for an OCI runtime: layers applied in order with
// their whiteouts (image-spec `layer.md`), cached per manifest digest and shared read-only by every container of
// that image, as a kubelet's image store is.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { withBuildLock } from '../../util/build-lock.ts';
import { cacheDir } from '../../util/cache-dir.ts';
import { ImageBuildError } from './layer.ts';
import { blobPath, type LocalImage } from './oci-layout.ts';

/** MOUNT_POINTS exist in every unpacked rootfs, so a read-only shared rootfs needs no write to mount over them. */
const MOUNT_POINTS = {
  dirs: ['proc', 'sys', 'dev', 'tmp', 'run'],
  files: ['etc/hosts', 'etc/resolv.conf', 'etc/hostname'],
};

/** SERVICE_ACCOUNT_DIR is where pods find their token, below /var/run. */
const SERVICE_ACCOUNT_DIR = 'secrets/kubernetes.io/serviceaccount';

function tar(args: string[], label: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new ImageBuildError(`${label}: tar failed (exit ${code}): ${err.trim()}`)),
    );
  });
}

/** applyWhiteouts removes what a layer's `.wh.` entries delete from the layers below it. */
async function applyWhiteouts(rootfs: string, entries: string[]): Promise<void> {
  for (const raw of entries) {
    const entry = raw.replace(/^\.\//, '').replace(/\/$/, '');
    const base = entry.slice(entry.lastIndexOf('/') + 1);
    if (!base.startsWith('.wh.')) continue;
    const parent = join(rootfs, dirname(entry));
    if (base === '.wh..wh..opq') {
      await rm(parent, { recursive: true, force: true });
      await mkdir(parent, { recursive: true });
    } else {
      await rm(join(parent, base.slice('.wh.'.length)), { recursive: true, force: true });
    }
  }
}

/**
 * unpackedRootfs returns the root filesystem of an image from the layout at `layoutDir`, unpacking it on first use.
 * Concurrent callers share one unpack through the cache's build lock.
 */
export async function unpackedRootfs(layoutDir: string, image: LocalImage): Promise<string> {
  const hex = image.digest.slice(image.digest.indexOf(':') + 1);
  const dir = cacheDir('image', 'rootfs', hex);
  const rootfs = join(dir, 'rootfs');
  const done = join(dir, 'unpacked');
  return withBuildLock(
    cacheDir('image', 'rootfs'),
    () => Promise.resolve(existsSync(done) ? rootfs : undefined),
    async () => {
      await rm(dir, { recursive: true, force: true });
      const staging = join(dir, 'staging');
      await mkdir(staging, { recursive: true });
      for (const layer of image.manifest.layers) {
        const blob = blobPath(layoutDir, layer.digest);
        if (!existsSync(blob)) throw new ImageBuildError(`${image.name}: layer ${layer.digest} is not in ${layoutDir}`);
        const entries = (await tar(['-tzf', blob], `list ${layer.digest}`)).split('\n').filter(Boolean);
        await applyWhiteouts(staging, entries);
        await tar(
          [
            '-xzf',
            blob,
            '-C',
            staging,
            '--exclude=.wh.*',
            '--same-permissions',
            '--numeric-owner',
            '--no-overwrite-dir',
          ],
          `unpack ${layer.digest}`,
        );
      }
      for (const d of MOUNT_POINTS.dirs) await mkdir(join(staging, d), { recursive: true });
      // Debian's /var/run is a link to /run: follow it inside the rootfs, never out of it to the host's /run.
      const varRun = (await lstat(join(staging, 'var/run')).catch(() => undefined))?.isSymbolicLink()
        ? 'run'
        : 'var/run';
      await mkdir(join(staging, varRun, SERVICE_ACCOUNT_DIR), { recursive: true });
      for (const f of MOUNT_POINTS.files) {
        if (!existsSync(join(staging, f))) await writeFile(join(staging, f), '');
      }
      await rename(staging, rootfs);
      await writeFile(done, `${image.name}@${image.digest}\n`);
      return rootfs;
    },
  );
}
