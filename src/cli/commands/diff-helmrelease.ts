// `fluxts diff helmrelease NAME --path DIR`: the render of `build helmrelease` compared with the live release, as
// `flux diff kustomization` compares a build: every object server-side dry-run applied with the helm-controller's
// field manager (`► Kind/ns/name created`, `► … drifted` with the dyff-style report, Secret values masked), and the
// objects of the latest stored release (its `sh.helm.release.v1` Secret) that the new render no longer has
// reported `► … deleted`, as the upgrade would delete them. Exit 1 on changes, 0 when none, 2 on errors.
import { Command } from 'commander';

import { HELM_FIELD_MANAGER, parseManifest, withNamespaces } from '../../controllers/helm/index.ts';
import { diffAll, type DiffEntry, objectId, refOf, subjectOf } from '../../kube/ssa/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { withDeadline } from '../shared/build-flags.ts';
import { addGlobalFlags, connect, globalFlags } from '../shared/connect.ts';
import type { HelmReleaseBuildRequest } from '../shared/helmrelease-build.ts';
import { Logger, processOutput } from '../shared/terminal.ts';
import { reportChanges } from '../shared/yaml-diff.ts';
import { addHelmReleaseFlags, helmReleaseRequest } from './build-helmrelease.ts';
import { addProgressBarFlag, type DiffOutcome, runDiff } from './diff.ts';

/** KEEP_POLICY is Helm's annotation that keeps an object when the release drops it. */
const KEEP_POLICY = 'helm.sh/resource-policy';

/** diffHelmRelease renders the HelmRelease, dry-runs its objects and lists what the next upgrade would delete. */
export async function diffHelmRelease(req: HelmReleaseBuildRequest & { client: KubeClient }): Promise<DiffOutcome> {
  const { buildHelmRelease } = await import('../shared/helmrelease-build.ts');
  const built = await buildHelmRelease(req);
  for (const w of built.warnings) new Logger(processOutput()).warning(w);
  const objects = [...built.crds, ...built.objects];
  const entries = await diffAll(req.client, objects, { fieldManager: HELM_FIELD_MANAGER });
  const bySubject = new Map<string, DiffEntry>(entries.map((e) => [e.subject, e]));
  let output = '';
  let changed = false;
  for (const obj of objects) {
    const entry = bySubject.get(subjectOf(refOf(obj)));
    if (!entry) continue;
    if (entry.action === 'created') {
      output += `► ${entry.subject} created\n`;
      changed = true;
    } else if (entry.action === 'configured') {
      output += `► ${entry.subject} drifted\n\n`;
      if (entry.live && entry.merged) output += reportChanges(entry.live, entry.merged);
      changed = true;
    }
  }
  const previous = built.previous;
  if (previous && built.action === 'upgrade') {
    const kept = new Set(objects.map((o) => objectId(refOf(o))));
    const before = await withNamespaces(req.client, parseManifest(previous.manifest), built.release.namespace);
    for (const obj of before) {
      if (kept.has(objectId(refOf(obj))) || obj.metadata.annotations?.[KEEP_POLICY] === 'keep') continue;
      output += `► ${subjectOf(refOf(obj))} deleted\n`;
      changed = true;
    }
  }
  return { output, changed };
}

/** diffHelmReleaseCommand is `diff helmrelease|hr NAME --path DIR …`. */
export function diffHelmReleaseCommand(): Command {
  const hr = new Command('helmrelease').alias('hr').description('Diff HelmRelease');
  addProgressBarFlag(addHelmReleaseFlags(hr))
    .addHelpText(
      'after',
      `
The diff command renders the HelmRelease as build helmrelease does, performs a server-side dry-run of every object
against the cluster and prints the differences (Secret values masked), then the objects of the latest release
(its sh.helm.release.v1 Secret) that the new render drops.
Exit status: 0 No differences were found. 1 Differences were found. >1 diff failed with an error.

Examples:
  # Preview local changes to a HelmRelease against its live release
  fluxts diff helmrelease podinfo -n apps --path ./apps/podinfo

  # Preview with a chart kept in a Git repository, from a local checkout of it
  fluxts diff helmrelease podinfo -n apps --path ./apps/podinfo \\
    --local-sources GitRepository/flux-system/charts=./path/to/charts-checkout`,
    )
    .action((name: string | undefined, opts: Record<string, unknown>, cmd: Command) =>
      runDiff(opts, 'HelmRelease diffing... running dry-run', () => {
        const flags = globalFlags(cmd);
        const req = helmReleaseRequest(name, opts, flags.namespace);
        return withDeadline(flags.timeoutMs, 'diff failed', diffHelmRelease({ ...req, client: connect(flags) }));
      }),
    );
  return addGlobalFlags(hr);
}
