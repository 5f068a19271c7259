// A release's manifest as Kubernetes objects: the YAML documents Helm stores (`---\n# Source: …`) parsed, and the
// release namespace set on namespaced objects that name none, as Helm's kube client does when it builds them.
import { parseAllDocuments } from 'yaml';

import { type KubeClient, type KubeObject, typeOf } from '../../kube/index.ts';
import { FluxtsError } from '../../util/errors.ts';

/** ManifestError is a rendered document that is not a Kubernetes object. */
export class ManifestError extends FluxtsError {}

/** parseManifest reads every non-empty YAML document of a manifest as an object. */
export function parseManifest(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text, { version: '1.1', merge: true })) {
    if (doc.errors.length > 0) throw new ManifestError(`error parsing manifest: ${doc.errors[0]!.message}`);
    const value = doc.toJS({ maxAliasCount: 10_000 }) as unknown;
    if (value === null || value === undefined) continue;
    const obj = value as Partial<KubeObject>;
    if (typeof obj !== 'object' || !obj.kind || !obj.apiVersion || !obj.metadata?.name) {
      throw new ManifestError('error validating data: object has no apiVersion, kind or metadata.name');
    }
    out.push(obj as KubeObject);
  }
  return out;
}

/**
 * withNamespaces sets `namespace` on namespaced objects that have none; kinds the server does not know yet (their
 * CRD comes with the release) are taken as namespaced, which is what custom resources nearly always are.
 */
export async function withNamespaces(
  client: KubeClient,
  objects: readonly KubeObject[],
  namespace: string,
): Promise<KubeObject[]> {
  const scoped = new Map<string, boolean>();
  const out: KubeObject[] = [];
  for (const obj of objects) {
    const key = `${obj.apiVersion}/${obj.kind}`;
    if (!scoped.has(key)) {
      let namespaced: boolean;
      try {
        namespaced = (await client.resourceFor(typeOf(obj))).namespaced;
      } catch {
        namespaced = obj.kind !== 'CustomResourceDefinition' && obj.kind !== 'Namespace';
      }
      scoped.set(key, namespaced);
    }
    if (scoped.get(key) && !obj.metadata.namespace) {
      out.push({ ...obj, metadata: { ...obj.metadata, namespace } });
    } else {
      out.push(obj);
    }
  }
  return out;
}
