// The ImageRepository pipeline: parse `spec.image` → credentials → decide whether to scan (never scanned, a
// reconcile request, a new image name or exclusion list, nothing stored, or the interval elapsed) → list the tags
// (all pages) → drop the excluded ones → store them sorted descending → lastScanResult. Flux's reasons and
// messages; a failed scan keeps the last stored tags and lastScanResult, so policies keep their result.
import { RE2JS } from 're2js';

import { ConditionType, ImageReason, Reason, SourceReason, type ImageRepository } from '../../../api/index.ts';
import {
  conditions,
  formatDuration,
  parseDuration,
  requeueAfter,
  StepError,
  type Result,
  type StepContext,
} from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';
import { registryClientFor } from '../../source/index.ts';
import { ImageURLError, parseImageRepository } from '../image-ref.ts';
import type { TagStore } from '../tagstore.ts';

export const DEFAULT_EXCLUSION_LIST = ['^.*\\.sig$'];
const LATEST_TAGS_COUNT = 10;

/** ImageRepositoryDeps: the tag store shared with the ImagePolicy reconciler. */
export interface ImageRepositoryDeps {
  store: TagStore;
  now?: () => Date;
}

type Status = NonNullable<ImageRepository['status']>;

/** exclusionListOf is `spec.exclusionList`, Flux's default when unset. */
export function exclusionListOf(obj: ImageRepository): string[] {
  return obj.spec.exclusionList ?? DEFAULT_EXCLUSION_LIST;
}

/** filterOutTags drops tags any exclusion pattern matches (unanchored, RE2); a bad pattern fails the scan. */
export function filterOutTags(tags: readonly string[], patterns: readonly string[]): string[] {
  const compiled = patterns.map((p) => {
    try {
      return RE2JS.compile(p);
    } catch (err) {
      throw new Error(`failed to compile regex ${p}: ${errorMessage(err)}`, { cause: err });
    }
  });
  return tags.filter((t) => !compiled.some((re) => re.matcher(t).find(0)));
}

/** sortDescending sorts tags in descending byte order, as Flux stores them. */
export function sortDescending(tags: string[]): string[] {
  return tags.sort((a, b) => Buffer.compare(Buffer.from(b), Buffer.from(a)));
}

const sameContent = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

/** reconcileImageRepository runs the pipeline for one ImageRepository (see the file comment). */
export async function reconcileImageRepository(
  obj: ImageRepository,
  ctx: StepContext,
  deps: ImageRepositoryDeps,
): Promise<Result> {
  const now = deps.now?.() ?? new Date();
  const status: Status = (obj.status ??= {});
  const key = { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
  const generation = obj.metadata.generation ?? 0;
  const oldRevision = status.lastScanResult?.revision;
  const wasReady = conditions.isReady(obj);
  conditions.markReconciling(
    obj,
    Reason.Progressing,
    status.observedGeneration !== generation
      ? `processing object: new generation ${status.observedGeneration ?? 0} -> ${generation}`
      : 'reconciliation in progress',
  );

  if ((obj.spec.provider ?? 'generic') !== 'generic') {
    throw new StepError(
      Reason.FeatureGateDisabled,
      `provider '${obj.spec.provider}' is not supported: fluxts cannot authenticate with ${obj.spec.provider} registries yet; use provider 'generic' with a secretRef of type kubernetes.io/dockerconfigjson`,
      { terminal: true },
    );
  }
  let image;
  try {
    image = parseImageRepository(obj.spec.image);
  } catch (err) {
    if (err instanceof ImageURLError) throw new StepError(ImageReason.ImageURLInvalid, err.message, { terminal: true });
    throw err;
  }
  conditions.remove(obj, ConditionType.Stalled);

  let client;
  try {
    client = await registryClientFor(
      ctx.manager.client,
      { metadata: obj.metadata, spec: obj.spec },
      image.reference.registry,
      'fluxts-image-reflector-controller',
    );
  } catch (err) {
    throw new StepError(
      SourceReason.AuthenticationFailed,
      `failed to configure authentication options: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  try {
    const interval = parseDuration(obj.spec.interval);
    const exclusions = exclusionListOf(obj);
    const stored = await deps.store.tags(key);
    let reason: string | undefined;
    let when = interval;
    const last = status.lastScanResult;
    const requested = obj.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
    if (!last) reason = 'first scan';
    else if (requested !== undefined && requested !== status.lastHandledReconcileAt) reason = 'reconcile requested';
    else if (image.canonical !== status.canonicalImageName) reason = 'new image name';
    else if (!sameContent(exclusions, status.observedExclusionList ?? [])) reason = 'updated exclusion list';
    else if (!stored || stored.length === 0) reason = 'no tags in database';
    else {
      when = interval - (now.getTime() - new Date(last.scanTime ?? 0).getTime());
      if (when < 1000) {
        reason = 'triggered by interval';
        when = interval;
      }
    }

    let nextScanMessage: string;
    if (reason !== undefined) {
      ctx.progress(Reason.Progressing, `scanning: ${reason}`);
      const timeout = parseDuration(obj.spec.timeout ?? obj.spec.interval);
      let tags: string[];
      try {
        const listed = await client.listTags(image.reference.repository, { signal: AbortSignal.timeout(timeout) });
        tags = sortDescending(filterOutTags(listed, exclusions));
      } catch (err) {
        // Refused credentials fail the scan too: Flux reports every listing error as ReadOperationFailed.
        throw new StepError(SourceReason.ReadOperationFailed, `scan failed: ${errorMessage(err)}`, { cause: err });
      }
      const revision = await deps.store.setTags(key, tags);
      status.lastScanResult = {
        revision,
        tagCount: tags.length,
        scanTime: now.toISOString().replace(/\.\d{3}Z$/u, 'Z'),
        ...(tags.length > 0 ? { latestTags: tags.slice(0, LATEST_TAGS_COUNT) } : {}),
      };
      nextScanMessage =
        (oldRevision === revision ? 'tags did not change, ' : 'successful scan, ') +
        `next scan in ${formatDuration(interval)}`;
    } else {
      nextScanMessage = `no change in repository configuration since last scan, next scan in ${formatDuration(when)}`;
    }
    status.canonicalImageName = image.canonical;
    status.observedExclusionList = [...exclusions];
    const result = status.lastScanResult!;
    const message = `successful scan: found ${result.tagCount} tags with checksum ${result.revision ?? ''}`;
    const previousMessage = conditions.get(obj, ConditionType.Ready)?.message;
    conditions.markTrue(obj, ConditionType.Ready, Reason.Succeeded, message);
    if (!wasReady || previousMessage !== message) ctx.event('info', Reason.Succeeded, message);
    else ctx.request.log.debug(nextScanMessage);
    return requeueAfter(when);
  } finally {
    client.close();
  }
}
