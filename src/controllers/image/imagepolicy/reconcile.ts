// The ImagePolicy pipeline: the referenced ImageRepository (namespace ACL: --no-cross-namespace-refs and the
// repository's accessFrom) → its stored tags → engines/imagepolicy → latestRef (with the digest as
// digestReflectionPolicy says) → observedPreviousRef when it changed. Flux's reasons and messages.
import {
  ConditionType,
  ImageReason,
  Reason,
  type ImagePolicy,
  type ImageRef,
  type ImageRepository,
} from '../../../api/index.ts';
import { InvalidPolicyError, selectLatestTag } from '../../../engines/imagepolicy/index.ts';
import {
  conditions,
  parseDuration,
  requeueAfter,
  StepError,
  type Result,
  type StepContext,
} from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { registryClientFor } from '../../source/index.ts';
import { parseImageRepository } from '../image-ref.ts';
import type { TagStore } from '../tagstore.ts';

/** ImagePolicyDeps: how to read repositories and their tags, and the cross-namespace rule. */
export interface ImagePolicyDeps {
  store: TagStore;
  /** getRepository reads an ImageRepository from the informer cache; undefined when absent. */
  getRepository(namespace: string, name: string): ImageRepository | undefined;
  /** namespaceLabels reads a namespace's labels (for accessFrom); undefined when it cannot be read. */
  namespaceLabels(namespace: string): Promise<Record<string, string> | undefined>;
  noCrossNamespaceRefs: boolean;
}

type Status = NonNullable<ImagePolicy['status']>;

const refString = (r: ImageRef): string => `${r.name}:${r.tag}${r.digest ? `@${r.digest}` : ''}`;
const sameRef = (a: ImageRef | undefined, b: ImageRef | undefined): boolean =>
  a?.name === b?.name && a?.tag === b?.tag && (a?.digest ?? '') === (b?.digest ?? '');

/** readyMessage is Flux's composeImagePolicyReadyMessage. */
export function readyMessage(latest: ImageRef, previous: ImageRef | undefined): string {
  let msg = `Latest image tag for ${latest.name} resolved to ${latest.tag}`;
  if (latest.digest) msg += ` with digest ${latest.digest}`;
  if (previous && !sameRef(latest, previous)) {
    msg += ` (previously ${previous.name}:${previous.tag}${previous.digest ? `@${previous.digest}` : ''})`;
  }
  return msg;
}

function matchesLabels(labels: Record<string, string>, selector: { matchLabels?: Record<string, string> }): boolean {
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** reconcileImagePolicy runs the pipeline for one ImagePolicy (see the file comment). */
export async function reconcileImagePolicy(obj: ImagePolicy, ctx: StepContext, deps: ImagePolicyDeps): Promise<Result> {
  const status: Status = (obj.status ??= {});
  const ns = obj.metadata.namespace ?? '';
  const generation = obj.metadata.generation ?? 0;
  const reflect = obj.spec.digestReflectionPolicy ?? 'Never';
  const interval = obj.spec.interval ? parseDuration(obj.spec.interval) : 0;
  if (reflect === 'Always' && !obj.spec.interval) {
    throw new StepError(
      ImageReason.IntervalNotConfigured,
      "spec.interval must be set when spec.digestReflectionPolicy is set to 'Always'",
      { terminal: true },
    );
  }
  conditions.markReconciling(
    obj,
    Reason.Progressing,
    status.observedGeneration !== generation
      ? `processing object: new generation ${status.observedGeneration ?? 0} -> ${generation}`
      : 'reconciliation in progress',
  );

  // 1. The repository, if this policy may use it.
  const repoNs = obj.spec.imageRepositoryRef.namespace || ns;
  const repoName = obj.spec.imageRepositoryRef.name;
  const refused = (message: string, reason: string = Reason.Failed): StepError =>
    new StepError(reason, `failed to get the referred ImageRepository: ${message}`);
  if (deps.noCrossNamespaceRefs && repoNs !== ns) {
    throw refused(
      `cannot access 'ImageRepository/${repoNs}/${repoName}', cross-namespace references have been blocked`,
      Reason.AccessDenied,
    );
  }
  const repo = deps.getRepository(repoNs, repoName);
  if (!repo) {
    throw refused(
      `referenced ImageRepository does not exist: imagerepositories.image.toolkit.fluxcd.io "${repoName}" not found`,
      Reason.DependencyNotReady,
    );
  }
  if (repoNs !== ns) {
    const allowed = repo.spec.accessFrom;
    const labels = allowed ? await deps.namespaceLabels(ns) : undefined;
    if (!allowed || !labels || !allowed.namespaceSelectors.some((sel) => matchesLabels(labels, sel))) {
      throw refused(
        `access denied: '${repoNs}/${repoName}' can't be accessed due to missing ACL labels on 'accessFrom'`,
        Reason.AccessDenied,
      );
    }
  }
  try {
    parseImageRepository(repo.spec.image);
  } catch (err) {
    throw new StepError(ImageReason.ImageURLInvalid, errorMessage(err), { terminal: true });
  }

  // 2. The tags and the policy.
  const tags = (await deps.store.tags({ namespace: repoNs, name: repoName })) ?? [];
  if (tags.length === 0) throw new StepError(Reason.DependencyNotReady, 'no tags in database');
  let tag: string;
  try {
    tag = selectLatestTag(tags, {
      policy: obj.spec.policy,
      ...(obj.spec.filterTags ? { filterTags: obj.spec.filterTags } : {}),
    });
  } catch (err) {
    if (err instanceof InvalidPolicyError)
      throw new StepError(ImageReason.InvalidPolicy, err.message, { terminal: true });
    throw new StepError(Reason.Failed, errorMessage(err), { cause: err });
  }

  // 3. latestRef, with the digest as the reflection policy says.
  const latest: ImageRef = { name: repo.spec.image, tag };
  const current = status.latestRef;
  let fetch = reflect === 'Always';
  if (reflect === 'IfNotPresent') {
    fetch = !current || current.name !== latest.name || current.tag !== latest.tag || !current.digest;
    if (!fetch && current?.digest) latest.digest = current.digest;
  }
  if (fetch) {
    const image = parseImageRepository(repo.spec.image);
    try {
      const client = await registryClientFor(
        ctx.manager.client,
        { metadata: repo.metadata, spec: repo.spec },
        image.reference.registry,
        'fluxts-image-reflector-controller',
      );
      try {
        const timeout = parseDuration(repo.spec.timeout ?? repo.spec.interval);
        latest.digest = (
          await client.resolve(image.reference.repository, tag, { signal: AbortSignal.timeout(timeout) })
        ).digest;
      } finally {
        client.close();
      }
    } catch (err) {
      throw new StepError(Reason.Failed, `failed fetching digest of ${refString(latest)}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }
  if (!current || !sameRef(current, latest)) {
    if (current) status.observedPreviousRef = current;
    else delete status.observedPreviousRef;
    status.latestRef = latest;
  }
  const message = readyMessage(status.latestRef!, status.observedPreviousRef);
  const before = conditions.get(obj, ConditionType.Ready);
  conditions.markTrue(obj, ConditionType.Ready, Reason.Succeeded, message);
  if (before?.status !== 'True' || before.message !== message) ctx.event('info', Reason.Succeeded, message);
  return requeueAfter(reflect === 'Always' ? interval : 0);
}
