import { spawnSync } from 'node:child_process';

import { goInstall, type GoInstallSpec } from '../../src/devcluster/go-build.ts';

/** HELM_VERSION is the reference: the Helm SDK that Flux v2.9.5's helm-controller (v1.6.4) embeds. */
export const HELM_VERSION = 'v4.2.4';
/** HELM_COMMIT is the commit the v4.2.4 tag points at, stamped as the release stamps it. */
export const HELM_COMMIT = '3900f434fd3ef2b84065dc04508df48f288dba00';
/** HELM_GO_VERSION is the toolchain the released v4.2.4 binaries were built with (`helm version` prints it). */
export const HELM_GO_VERSION = 'go1.26.5';

/**
 * HELM is built as Helm's release Makefile builds it: CGO off and `-trimpath` (goInstall's environment), `-w -s`,
 * version, empty metadata (a tagged build), commit and tree state stamped with `-X`, so `.Capabilities.HelmVersion`
 * reads as in the released binary. `runtime.buildVersion` is stamped too: the release was built with go1.26.5
 * while this machine may have a later 1.26 patch, and templates can print `.Capabilities.HelmVersion.GoVersion`.
 */
export const HELM: GoInstallSpec = {
  pkg: 'helm.sh/helm/v4/cmd/helm',
  version: HELM_VERSION,
  binary: 'helm',
  ldflags: [
    '-w -s',
    `-X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}`,
    '-X helm.sh/helm/v4/internal/version.metadata=',
    `-X helm.sh/helm/v4/internal/version.gitCommit=${HELM_COMMIT}`,
    '-X helm.sh/helm/v4/internal/version.gitTreeState=clean',
    `-X runtime.buildVersion=${HELM_GO_VERSION}`,
  ].join(' '),
};

/** helmBinary builds (once, cached in the per-user cache under the build lock) and returns the reference helm. */
export async function helmBinary(): Promise<string> {
  return goInstall(HELM);
}

/** HelmRun is what one reference helm invocation printed. */
export interface HelmRun {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * runHelm runs the reference helm with argv (never a shell) in an isolated environment: no kubeconfig, no user
 * config or cache, so that nothing on the machine leaks into a differential result.
 */
export function runHelm(
  bin: string,
  args: readonly string[],
  options: { cwd?: string; home: string; input?: string },
): HelmRun {
  const r = spawnSync(bin, [...args], {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: options.home,
      HELM_CONFIG_HOME: `${options.home}/config`,
      HELM_CACHE_HOME: `${options.home}/cache`,
      HELM_DATA_HOME: `${options.home}/data`,
      KUBECONFIG: `${options.home}/kubeconfig-none`,
      TZ: 'UTC',
    },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
