// Requesting reconciliation of a Receiver's resources: resolve each reference (by name, or `*` with matchLabels),
// keep those the CEL filters accept, and annotate them with `reconcile.fluxcd.io/requestedAt`.
import { Annotation, type Receiver } from '../../../api/index.ts';
import { CelExpression } from '../../../engines/cel/index.ts';
import type { KubeClient, KubeObject } from '../../../kube/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import { errorMessage } from '../../../util/errors.ts';

/** DEFAULT_API_VERSIONS are the kinds a Receiver may name without an apiVersion. */
export const DEFAULT_API_VERSIONS: Record<string, string> = {
  Bucket: 'source.toolkit.fluxcd.io/v1',
  HelmChart: 'source.toolkit.fluxcd.io/v1',
  HelmRepository: 'source.toolkit.fluxcd.io/v1',
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  OCIRepository: 'source.toolkit.fluxcd.io/v1',
  ImageRepository: 'image.toolkit.fluxcd.io/v1',
  ArtifactGenerator: 'source.extensions.fluxcd.io/v1beta1',
};

const REQUESTED_AT = Annotation.ReconcileRequestedAt;

let monotonicBase: bigint | undefined;

/**
 * goNow renders the time as Go's `metav1.Now().String()`, the value Flux writes: local time with nanoseconds,
 * zone, and the monotonic clock reading (`2026-12-07 16:40:01.123456789 +0000 UTC m=+12.345678901`).
 */
export function goNow(date = new Date()): string {
  monotonicBase ??= process.hrtime.bigint();
  const ns = process.hrtime.bigint() % 1_000_000n;
  const frac = `${String(date.getUTCMilliseconds()).padStart(3, '0')}${String(ns).padStart(6, '0')}`.replace(/0+$/, '');
  const iso = date.toISOString().slice(0, 19).replace('T', ' ');
  const mono = Number(process.hrtime.bigint() - monotonicBase) / 1e9;
  return `${iso}${frac ? `.${frac}` : ''} +0000 UTC m=+${mono.toFixed(9)}`;
}

type Filter = (res: Record<string, unknown>) => boolean;

/** FilterInputs are the request data CEL filters see besides `res`. */
export interface FilterInputs {
  req: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

/** resourceFilters compiles the top-level and per-resource filters; a resource needs every one to accept it. */
export function resourceFilters(receiver: Receiver, inputs: FilterInputs): (Filter | undefined)[] {
  const variables = inputs.claims ? ['res', 'req', 'claims'] : ['res', 'req'];
  const compile = (expr: string): Filter => {
    const cel = new CelExpression(expr, { variables, boolOutput: true });
    return (res) => cel.evaluateBoolean({ res, req: inputs.req, ...(inputs.claims ? { claims: inputs.claims } : {}) });
  };
  const top = receiver.spec.resourceFilter ? compile(receiver.spec.resourceFilter) : undefined;
  return receiver.spec.resources.map((r) => {
    const own = r.filter ? compile(r.filter) : undefined;
    if (!top && !own) return undefined;
    return (res) => (top ? top(res) : true) && (own ? own(res) : true);
  });
}

function metadataOnly(obj: KubeObject): Record<string, unknown> {
  return { kind: obj.kind, apiVersion: obj.apiVersion, metadata: obj.metadata };
}

export interface TriggerOptions {
  client: KubeClient;
  logger: Logger;
  noCrossNamespaceRefs: boolean;
}

/**
 * requestReconciliation annotates the objects one resource reference selects. Returns an error message, or
 * undefined when every selected object was annotated (or none matched).
 */
export async function requestReconciliation(
  receiver: Receiver,
  index: number,
  filter: Filter | undefined,
  opts: TriggerOptions,
): Promise<string | undefined> {
  const resource = receiver.spec.resources[index];
  if (!resource) return undefined;
  const receiverNs = receiver.metadata.namespace ?? '';
  let namespace = receiverNs;
  if (resource.namespace) {
    if (opts.noCrossNamespaceRefs && resource.namespace !== receiverNs) {
      return 'cross-namespace references are not allowed';
    }
    namespace = resource.namespace;
  }
  const apiVersion = resource.apiVersion || DEFAULT_API_VERSIONS[resource.kind];
  if (!apiVersion) return `apiVersion must be specified for kind "${resource.kind}"`;
  const type = { apiVersion, kind: resource.kind };
  let targets: KubeObject[];
  if (resource.name === '*') {
    if (!resource.matchLabels) return "matchLabels field not set when using wildcard '*' as name";
    const labelSelector = Object.entries(resource.matchLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    try {
      targets = (await opts.client.list(type, { namespace, labelSelector })).items;
    } catch (err) {
      return `failed listing resources in namespace "${namespace}" by matching labels: ${errorMessage(err)}`;
    }
    if (targets.length === 0) {
      opts.logger.error(
        { kind: resource.kind, namespace, matchLabels: resource.matchLabels },
        'error annotating resources: no resources found with matching labels',
      );
      return undefined;
    }
  } else {
    try {
      targets = [await opts.client.get(type, { namespace, name: resource.name })];
    } catch (err) {
      return `unable to read ${resource.kind} "${namespace}/${resource.name}" error: ${errorMessage(err)}`;
    }
  }
  for (const obj of targets) {
    const id = `${resource.kind}/${obj.metadata.name}.${obj.metadata.namespace}`;
    if (filter) {
      let accepted: boolean;
      try {
        accepted = filter(metadataOnly({ ...obj, kind: resource.kind, apiVersion }));
      } catch (err) {
        return errorMessage(err);
      }
      if (!accepted) {
        opts.logger.debug(`resource '${id}' NOT annotated because CEL expression returned false`);
        continue;
      }
    }
    try {
      await opts.client.patch(
        type,
        { namespace: obj.metadata.namespace ?? namespace, name: obj.metadata.name ?? '' },
        'merge',
        {
          metadata: { annotations: { [REQUESTED_AT]: goNow() } },
        },
      );
    } catch (err) {
      return `failed to annotate resource: '${id}': ${errorMessage(err)}`;
    }
    opts.logger.info(`resource '${id}' annotated`);
  }
  return undefined;
}
