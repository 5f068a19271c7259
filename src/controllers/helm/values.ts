// A HelmRelease's values (helm-controller `ChartValuesFromReferences`): each `valuesFrom` reference in order —
// a ConfigMap's or Secret's key (`values.yaml` by default) read as a YAML values document and deep-merged, or,
// with `targetPath`, set at that path as `helm --set` does (`--set-string` for a quoted value, `--set-literal`
// with `literal`) — then `spec.values` merged over the result. A missing object or key fails unless the
// reference is `optional`; every failure says which reference and why, in Flux's words, never with the data.
import {
  decodeValuesDocument,
  mergeMaps,
  parseInto,
  parseIntoString,
  parseLiteralInto,
  type ValueMap,
} from '../../engines/helm/index.ts';
import { isNotFound, KubeApiError, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { errorMessage, FluxtsError } from '../../util/errors.ts';

/** ValuesReference is one `spec.valuesFrom` entry. */
export interface ValuesReference {
  kind: string;
  name: string;
  valuesKey?: string;
  targetPath?: string;
  optional?: boolean;
  literal?: boolean;
}

/** ValuesObject is what a reference resolves to: the object's data as bytes by key (Secret data decoded). */
export type ValuesObject = Record<string, Buffer>;

/**
 * ValuesReader reads a ConfigMap or Secret; it resolves undefined when the object does not exist and throws for
 * anything else (a Forbidden, a connection error), which is never tolerated, optional or not.
 */
export type ValuesReader = (
  kind: 'ConfigMap' | 'Secret',
  namespace: string,
  name: string,
) => Promise<ValuesObject | undefined>;

/** ValuesReferenceError is Flux's ErrValuesReference: `could not resolve [optional] <Kind> chart values reference '<ns>/<name>' with key '<key>': <reason>`. */
export class ValuesReferenceError extends FluxtsError {}

const DEFAULT_KEY = 'values.yaml';

function referenceError(
  namespace: string,
  ref: ValuesReference,
  reason: string,
  cause?: unknown,
): ValuesReferenceError {
  const optional = ref.optional ? ' optional' : '';
  const kind = ref.kind ? ` ${ref.kind}` : '';
  return new ValuesReferenceError(
    `could not resolve${optional}${kind} chart values reference '${namespace}/${ref.name}' with key '${ref.valuesKey || DEFAULT_KEY}': ${reason}`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * replacePathValue sets `value` at `path` as helm-controller's ReplacePathValue does: a value in single or double
 * quotes (quotes trimmed) as a string, else typed as `--set` types it; `literal` takes it verbatim.
 */
export function replacePathValue(values: ValueMap, path: string, value: string, literal = false): void {
  if (literal) {
    parseLiteralInto(`${path}=${value}`, values);
    return;
  }
  const quoted = (value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"'));
  if (quoted) {
    parseIntoString(`${path}=${value.replace(/^['"]+|['"]+$/gu, '')}`, values);
    return;
  }
  parseInto(`${path}=${value}`, values);
}

/**
 * composeValues resolves `valuesFrom` in order and merges `inline` (spec.values) last. Each object is read once
 * per reconcile, so every reference to it sees the same version.
 */
export async function composeValues(
  namespace: string,
  refs: readonly ValuesReference[],
  inline: ValueMap | undefined,
  read: ValuesReader,
  log: (message: string) => void = () => {},
): Promise<ValueMap> {
  let result: ValueMap = new Map();
  const objects = new Map<string, ValuesObject | undefined>();
  for (const ref of refs) {
    if (ref.kind !== 'ConfigMap' && ref.kind !== 'Secret') {
      throw referenceError(namespace, ref, 'unsupported values reference kind');
    }
    const id = `${ref.kind}/${namespace}/${ref.name}`;
    if (!objects.has(id)) objects.set(id, await read(ref.kind, namespace, ref.name));
    const object = objects.get(id);
    if (object === undefined) {
      const plural = ref.kind === 'Secret' ? 'secrets' : 'configmaps';
      const err = referenceError(namespace, ref, `${plural} "${ref.name}" not found`);
      if (ref.optional) {
        log(err.message);
        continue;
      }
      throw err;
    }
    const data = object[ref.valuesKey || DEFAULT_KEY];
    if (data === undefined) {
      const err = referenceError(namespace, ref, 'key not found');
      if (ref.optional) {
        log(err.message);
        continue;
      }
      throw err;
    }
    if (ref.targetPath) {
      try {
        replacePathValue(result, ref.targetPath, data.toString('utf8'), ref.literal === true);
      } catch (err) {
        throw referenceError(namespace, ref, errorMessage(err), err);
      }
      continue;
    }
    let values: ValueMap;
    try {
      values = data.length === 0 ? new Map<string, never>() : decodeValuesDocument(data);
    } catch (err) {
      throw referenceError(namespace, ref, errorMessage(err), err);
    }
    result = mergeMaps(result, values);
  }
  return inline ? mergeMaps(result, inline) : result;
}

type DataObject = KubeObject & { data?: Record<string, string> };

/** kubeValuesReader reads ConfigMaps and Secrets from the cluster (uncached, as Flux reads them). */
export function kubeValuesReader(client: KubeClient): ValuesReader {
  return async (kind, namespace, name) => {
    let obj: DataObject;
    try {
      obj = await client.get<DataObject>({ apiVersion: 'v1', kind }, { namespace, name });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      const detail = err instanceof KubeApiError && err.status?.message ? err.status.message : errorMessage(err);
      throw new ValuesReferenceError(`failed to get ${kind} '${namespace}/${name}': ${detail}`, { cause: err });
    }
    const out: ValuesObject = {};
    for (const [key, value] of Object.entries(obj.data ?? {})) {
      out[key] = kind === 'Secret' ? Buffer.from(value, 'base64') : Buffer.from(value, 'utf8');
    }
    return out;
  };
}
