// The ArtifactGenerator pipeline (source-watcher ArtifactGeneratorReconciler, its spec doc): reconcile disabled by
// annotation → spec checks (duplicate aliases or names, unknown revision alias, cross-namespace refs when blocked:
// stalled) → observe the sources → drift detection (nothing changed, artifacts intact: done) → fetch the sources →
// build each output and apply its ExternalArtifact → delete the outputs that left the spec → inventory and Ready.
import { ConditionType, GeneratorReason, Reason, type ArtifactGenerator } from '../../api/index.ts';
import type { ArtifactStorage } from '../../artifacts/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { conditions, done, requeueAfter, StepError, type Result, type StepContext } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { buildArtifact } from './builder/build.ts';
import {
  applyExternalArtifact,
  deleteExternalArtifact,
  EXTERNAL_ARTIFACT_TYPE,
  GENERATOR_LABEL,
  type InventoryEntry,
} from './external-artifact.ts';
import {
  fetchSources,
  hashObservedSources,
  observeSources,
  ORIGIN_REVISION_KEY,
  type ObservedSource,
} from './sources.ts';

/** REQUEUE_MS is source-watcher's fixed re-check period (GetRequeueAfter: one hour). */
export const REQUEUE_MS = 3_600_000;
export const RECONCILE_ANNOTATION = 'source.extensions.fluxcd.io/reconcile';

export interface GeneratorDeps {
  storage: ArtifactStorage;
  noCrossNamespaceRefs: boolean;
  /** cached reads a source from an informer cache (undefined: not cached, read from the API). */
  cached?: (kind: string, namespace: string, name: string) => KubeObject | undefined;
}

type Output = ArtifactGenerator['spec']['artifacts'][number];

/**
 * GeneratorObject is an ArtifactGenerator as the shared reconcile shape sees it: a Flux object whose spec may say
 * `suspend` (it never does: generators are paused by annotation), which makes the types meet.
 */
export type GeneratorObject = ArtifactGenerator & { spec: { suspend?: boolean } };

const IN_PROGRESS = 'reconciliation in progress';

/** reconcileGenerator runs one ArtifactGenerator, or throws the failed step's StepError. */
export async function reconcileGenerator(
  obj: ArtifactGenerator,
  ctx: StepContext,
  deps: GeneratorDeps,
): Promise<Result> {
  if (obj.metadata.annotations?.[RECONCILE_ANNOTATION]?.toLowerCase() === 'disabled') {
    ctx.event('error', GeneratorReason.ReconciliationDisabled, 'reconciliation is disabled');
    return done();
  }
  validateSpec(obj, deps.noCrossNamespaceRefs);
  const client = ctx.manager.client;
  const namespace = obj.metadata.namespace ?? '';
  const status = (obj.status ??= {});

  let observed: Map<string, ObservedSource>;
  try {
    observed = await observeSources(client, namespace, obj.spec.sources, deps.cached);
  } catch (err) {
    throw new StepError(GeneratorReason.SourceFetchFailed, `get sources failed: ${errorMessage(err)}`, { cause: err });
  }
  const sourcesDigest = hashObservedSources(observed);
  if (!(await drifted(obj, client, deps.storage, sourcesDigest))) {
    ctx.event(
      'info',
      ConditionType.Ready,
      `No drift detected, ${status.inventory?.length ?? 0} artifact(s) up to date`,
    );
    return requeueAfter(REQUEUE_MS);
  }
  conditions.markUnknown(obj, ConditionType.Ready, Reason.Progressing, IN_PROGRESS);
  ctx.progress(Reason.Progressing, IN_PROGRESS);

  let fetched: Awaited<ReturnType<typeof fetchSources>>;
  const work = await ctx.workDir();
  try {
    fetched = await fetchSources(observed, work);
  } catch (err) {
    throw new StepError(GeneratorReason.SourceFetchFailed, `fetch sources failed: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const refs: InventoryEntry[] = [];
  try {
    for (const output of obj.spec.artifacts) {
      let artifact;
      try {
        artifact = await buildArtifact(deps.storage, output, fetched.dirs, namespace, work);
      } catch (err) {
        throw new StepError(GeneratorReason.BuildFailed, `${output.name} build failed: ${errorMessage(err)}`, {
          cause: err,
        });
      }
      setRevisions(artifact, output, observed);
      const statusArtifact = { ...artifact, digest: artifact.digest ?? '' };
      try {
        await applyExternalArtifact(client, obj, output.name, statusArtifact);
      } catch (err) {
        throw new StepError(
          GeneratorReason.ReconciliationFailed,
          `${output.name} reconcile failed: ${errorMessage(err)}`,
          {
            cause: err,
          },
        );
      }
      if (!inInventory(obj, output.name, namespace, statusArtifact.digest)) {
        ctx.event(
          'info',
          ConditionType.Ready,
          `ExternalArtifact/${namespace}/${output.name} reconciled with revision ${statusArtifact.revision}`,
        );
      }
      refs.push({
        name: output.name,
        namespace,
        digest: statusArtifact.digest,
        filename: artifact.path.slice(artifact.path.lastIndexOf('/') + 1),
      });
      await deps.storage.garbageCollect(artifact).catch(() => undefined);
    }
  } finally {
    await fetched.cleanup();
  }

  const keep = new Set(refs.map((r) => `${r.namespace}/${r.name}`));
  for (const orphan of status.inventory ?? []) {
    if (keep.has(`${orphan.namespace}/${orphan.name}`)) continue;
    await deleteExternalArtifact(client, deps.storage, orphan).catch((err: unknown) =>
      ctx.request.log.error(
        { error: errorMessage(err) },
        `failed to delete ExternalArtifact/${orphan.namespace}/${orphan.name}`,
      ),
    );
  }
  status.inventory = refs;
  status.observedSourcesDigest = sourcesDigest;
  const message = `reconciliation succeeded, generated ${refs.length} artifact(s)`;
  conditions.markTrue(obj, ConditionType.Ready, Reason.Succeeded, message);
  ctx.event('info', ConditionType.Ready, message);
  return requeueAfter(REQUEUE_MS);
}

/** finalizeGenerator deletes the generated ExternalArtifacts and their stored files. */
export async function finalizeGenerator(
  obj: ArtifactGenerator,
  client: KubeClient,
  storage: ArtifactStorage,
): Promise<Result> {
  for (const ref of obj.status?.inventory ?? []) await deleteExternalArtifact(client, storage, ref);
  return done();
}

function validateSpec(obj: ArtifactGenerator, noCrossNamespaceRefs: boolean): void {
  const invalid = (reason: string, message: string): StepError => new StepError(reason, message, { terminal: true });
  const aliases = new Set<string>();
  for (const src of obj.spec.sources) {
    if (aliases.has(src.alias))
      throw invalid(GeneratorReason.ValidationFailed, `duplicate source alias '${src.alias}' found`);
    aliases.add(src.alias);
    if (noCrossNamespaceRefs && src.namespace && src.namespace !== obj.metadata.namespace) {
      throw invalid(
        GeneratorReason.AccessDenied,
        `cross-namespace reference to source ${src.kind}/${src.namespace}/${src.name} is not allowed`,
      );
    }
  }
  const names = new Set<string>();
  for (const a of obj.spec.artifacts) {
    if (names.has(a.name)) throw invalid(GeneratorReason.ValidationFailed, `duplicate artifact name '${a.name}' found`);
    const rev = a.revision?.replace(/^@/, '');
    if (rev && !aliases.has(rev)) {
      throw invalid(GeneratorReason.ValidationFailed, `artifact ${a.name} revision source alias '${rev}' not found`);
    }
    names.add(a.name);
  }
}

/**
 * drifted is source-watcher's detectDrift: a failed or outdated last run, changed sources, a changed number of
 * outputs, a stored artifact missing or corrupted (removed), or generated ExternalArtifacts changed in the cluster.
 */
async function drifted(
  obj: ArtifactGenerator,
  client: KubeClient,
  storage: ArtifactStorage,
  digest: string,
): Promise<boolean> {
  const ready = conditions.get(obj, ConditionType.Ready);
  if (!ready || ready.status === 'False') return true;
  if ((ready.observedGeneration ?? -1) !== (obj.metadata.generation ?? 0)) return true;
  const status = obj.status ?? {};
  if (status.observedSourcesDigest !== digest) return true;
  const inventory = status.inventory ?? [];
  if (inventory.length !== obj.spec.artifacts.length) return true;
  for (const ref of inventory) {
    const artifact = { path: `externalartifact/${ref.namespace}/${ref.name}/${ref.filename}`, digest: ref.digest };
    if (!(await storage.exists(artifact))) return true;
    if (!(await storage.verify(artifact))) {
      await storage.remove(artifact).catch(() => undefined);
      return true;
    }
  }
  try {
    const list = await client.list<KubeObject>(EXTERNAL_ARTIFACT_TYPE, {
      namespace: obj.metadata.namespace ?? '',
      labelSelector: `${GENERATOR_LABEL}=${obj.metadata.uid ?? ''}`,
    });
    if (list.items.length !== inventory.length) return true;
    for (const ea of list.items) {
      const d = (ea.status as { artifact?: { digest?: string } } | undefined)?.artifact?.digest ?? '';
      if (!inInventory(obj, ea.metadata.name ?? '', ea.metadata.namespace ?? '', d)) return true;
    }
  } catch {
    return true;
  }
  return false;
}

function inInventory(obj: ArtifactGenerator, name: string, namespace: string, digest: string): boolean {
  return (obj.status?.inventory ?? []).some((r) => r.name === name && r.namespace === namespace && r.digest === digest);
}

/** setRevisions applies `revision: @alias` (the source's revision) and `originRevision: @alias` (metadata). */
function setRevisions(
  artifact: { revision: string; metadata?: Record<string, string> },
  output: Output,
  observed: ReadonlyMap<string, ObservedSource>,
): void {
  const rev = output.revision ? observed.get(output.revision.replace(/^@/, '')) : undefined;
  if (rev) artifact.revision = rev.revision;
  if (output.originRevision) {
    artifact.metadata ??= {};
    const origin = observed.get(output.originRevision.replace(/^@/, ''));
    if (origin) artifact.metadata[ORIGIN_REVISION_KEY] = origin.originRevision ?? origin.revision;
  }
}
