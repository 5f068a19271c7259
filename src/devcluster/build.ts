import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { withBuildLock } from '../util/build-lock.ts';
import { cacheDir } from '../util/cache-dir.ts';
import { CachedBinary, ensureGoToolchain, GoBuildError, type Progress, runGo, stderrProgress } from './go-build.ts';
import { CONTROL_PLANE_VERSIONS, stagingVersion } from './versions.ts';

/** ControlPlaneBinaries are the absolute paths of the built control-plane programs. */
export interface ControlPlaneBinaries {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  /** kubectl of the same version, for tests and users (a machine's own may be missing or too old). */
  kubectl: string;
}

const KUBE_COMMANDS = ['kube-apiserver', 'kube-controller-manager', 'kubectl'] as const;

function kubernetesDir(version: string): string {
  return cacheDir('control-plane', `kubernetes-${version}`);
}

function etcdDir(version: string): string {
  return cacheDir('control-plane', `etcd-${version}`);
}

/**
 * ensureControlPlaneBinaries returns the pinned etcd, kube-apiserver and kube-controller-manager, building them
 * from their Go modules into the per-user cache when they are missing or fail their checksum. A cold build takes
 * many minutes on two cores; progress lines go to `progress` meanwhile.
 */
export async function ensureControlPlaneBinaries(progress: Progress = stderrProgress): Promise<ControlPlaneBinaries> {
  const { kubernetes, etcd } = CONTROL_PLANE_VERSIONS;
  const etcdBinary = new CachedBinary(join(etcdDir(etcd), 'bin', 'etcd'));
  const kube = KUBE_COMMANDS.map((cmd) => new CachedBinary(join(kubernetesDir(kubernetes), 'bin', cmd)));
  const [etcdBin, apiserverBin, kcmBin, kubectlBin] = [etcdBinary, ...kube] as [
    CachedBinary,
    CachedBinary,
    CachedBinary,
    CachedBinary,
  ];
  const checkAll = (): Promise<boolean[]> => Promise.all([etcdBin, ...kube].map((bin) => bin.isValid()));
  // Checksumming the binaries reads a few hundred MB: the first check serves both the notice and the lock's
  // first look; later looks (after waiting for another process's build) check again.
  let firstCheck: boolean[] | undefined = await checkAll();
  if (firstCheck.includes(false)) {
    // Said once, before anything starts: a new user of `npm run demo` must know why the first run is long.
    const [etcdValid, ...kubeValid] = firstCheck;
    progress(coldBuildNotice({ etcd: !etcdValid, kubernetes: kubeValid.includes(false) }, availableParallelism()));
  }
  const allValid = async (): Promise<true | undefined> => {
    const valid = firstCheck ?? (await checkAll());
    firstCheck = undefined;
    return valid.every(Boolean) ? true : undefined;
  };
  // One build at a time per cache: concurrent `npm test` runs and clones share it instead of racing.
  await withBuildLock(
    cacheDir('control-plane'),
    allValid,
    async () => {
      if (!(await etcdBin.isValid())) await buildEtcd(etcd, etcdBin, progress);
      const valid = await Promise.all(kube.map((bin) => bin.isValid()));
      if (valid.includes(false)) await buildKubernetes(kubernetes, kube, progress);
      return true;
    },
    { onWait: (owner) => progress(`waiting for ${owner} to finish building the control plane`) },
  );
  return {
    etcd: etcdBin.path,
    kubeApiserver: apiserverBin.path,
    kubeControllerManager: kcmBin.path,
    kubectl: kubectlBin.path,
  };
}

/** Missing says which control-plane builds a cold cache still needs. */
export interface MissingControlPlane {
  etcd: boolean;
  kubernetes: boolean;
}

/**
 * coldBuildNotice is the one line printed before a control-plane build starts: what is built, where it goes, how
 * long it takes and why. The durations are the ones measured on 2-core machines (README, "Main job").
 */
export function coldBuildNotice(missing: MissingControlPlane, cores: number): string {
  const { kubernetes, etcd } = CONTROL_PLANE_VERSIONS;
  const what = [
    ...(missing.etcd ? [`etcd ${etcd}`] : []),
    ...(missing.kubernetes ? [`kube-apiserver, kube-controller-manager and kubectl ${kubernetes}`] : []),
  ].join(' and ');
  const duration = missing.kubernetes ? 'about 15-30 minutes on 2 cores' : 'a few minutes';
  const machine = `${cores} ${cores === 1 ? 'core' : 'cores'} here${cores > 2 ? ', so likely less' : ''}`;
  return (
    `first run on this machine: building ${what} from their Go modules into ${cacheDir('control-plane')} ` +
    `takes ${duration} (${machine}), once: fluxts runs a real Kubernetes API server, not a mock, built from ` +
    `source through the Go module proxy; later runs reuse the cache and start in seconds`
  );
}

async function buildEtcd(version: string, target: CachedBinary, progress: Progress): Promise<void> {
  await ensureGoToolchain();
  const src = join(etcdDir(version), 'src');
  await rm(src, { recursive: true, force: true });
  await mkdir(src, { recursive: true });
  // The etcd server module has `replace ../api`-style directives, so `go install` refuses it; a wrapper module that
  // requires the published module builds the same program.
  await writeFile(
    join(src, 'go.mod'),
    `module fluxts.local/etcd\n\ngo 1.26.0\n\ntool go.etcd.io/etcd/server/v3\n\nrequire go.etcd.io/etcd/server/v3 ${version}\n`,
  );
  progress(`building etcd ${version} from its Go module (first time only, a few minutes)`);
  await runGo(['mod', 'tidy'], { cwd: src, label: `etcd ${version}: go mod tidy`, progress });
  await runGo(['build', '-v', '-ldflags=-s -w', '-o', join(src, 'etcd'), 'go.etcd.io/etcd/server/v3'], {
    cwd: src,
    label: `etcd ${version}: go build`,
    progress,
  });
  await target.install(join(src, 'etcd'));
  await rm(src, { recursive: true, force: true });
  progress(`etcd ${version} ready`);
}

/**
 * stagingReplaces reads the `k8s.io/kubernetes` go.mod and maps each `k8s.io/x => ./staging/src/k8s.io/x` line to
 * the published staging module, because module zips don't contain staging/ (a Kubernetes minor may add modules,
 * so the list is derived, not hard-coded).
 */
export function stagingReplaces(kubernetesGoMod: string, staging: string): string[] {
  const replaces: string[] = [];
  for (const match of kubernetesGoMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\/src\/\1\s*$/gm)) {
    replaces.push(`\t${match[1]} => ${match[1]} ${staging}`);
  }
  return replaces;
}

/** versionLdflags stamps the version like Kubernetes' release builds, so `/version` reports the real version. */
export function versionLdflags(version: string): string {
  const [, major = '1', minor = '0'] = /^v(\d+)\.(\d+)/.exec(version) ?? [];
  const flags = ['-s', '-w'];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
    );
  }
  return flags.join(' ');
}

async function buildKubernetes(version: string, targets: CachedBinary[], progress: Progress): Promise<void> {
  await ensureGoToolchain();
  const src = join(kubernetesDir(version), 'src');
  await rm(src, { recursive: true, force: true });
  await mkdir(src, { recursive: true });
  progress(
    `building kube-apiserver and kube-controller-manager ${version} from Go modules (first time only, 15-30 minutes on 2 cores)`,
  );
  const info = await runGo(['mod', 'download', '-json', `k8s.io/kubernetes@${version}`], {
    cwd: src,
    label: `k8s.io/kubernetes@${version}: go mod download`,
    progress,
  });
  const goModPath = (JSON.parse(info) as { GoMod?: string }).GoMod;
  if (!goModPath) throw new GoBuildError(`k8s.io/kubernetes@${version}: go mod download returned no go.mod path`);
  const replaces = stagingReplaces(await readFile(goModPath, 'utf8'), stagingVersion(version));
  if (replaces.length === 0)
    throw new GoBuildError(`k8s.io/kubernetes@${version}: no staging modules found in its go.mod`);
  const tools = KUBE_COMMANDS.map((cmd) => `\tk8s.io/kubernetes/cmd/${cmd}`).join('\n');
  await writeFile(
    join(src, 'go.mod'),
    `module fluxts.local/kubernetes\n\ngo 1.26.0\n\ngodebug default=go1.26\n\ntool (\n${tools}\n)\n\n` +
      `require k8s.io/kubernetes ${version}\n\nreplace (\n${replaces.join('\n')}\n)\n`,
  );
  await runGo(['mod', 'tidy'], { cwd: src, label: `kubernetes ${version}: go mod tidy`, progress });
  const out = join(src, 'out');
  await mkdir(out);
  await runGo(
    [
      'build',
      '-v',
      `-ldflags=${versionLdflags(version)}`,
      '-o',
      out + '/',
      ...KUBE_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`),
    ],
    { cwd: src, label: `kubernetes ${version}: go build`, progress },
  );
  for (const [index, cmd] of KUBE_COMMANDS.entries()) {
    const target = targets[index];
    if (target) await target.install(join(out, cmd));
  }
  await rm(src, { recursive: true, force: true });
  progress(`kube-apiserver, kube-controller-manager and kubectl ${version} ready`);
}
