// The diff view: what the next apply of a Kustomization would change, with the engine of `fluxts diff
// kustomization` (kube/ssa diffAll: a server-side dry-run of every object as kustomize-controller), built from the
// artifact its source advertises now (controllers/kustomize previewKustomization). Secret values never leave the
// server: drifted Secrets carry diffObjects' masks ("***", "*** (before)", "*** (after)"), new ones "***".
import { stringify } from 'yaml';

import type { Kustomization } from '../api/index.ts';
import { previewKustomization } from '../controllers/kustomize/index.ts';
import { diffAll, inventoryFromObjects, refOf, staleObjects, subjectOf } from '../kube/ssa/index.ts';
import type { KubeClient, KubeObject } from '../kube/index.ts';

/** DiffItem is one object the apply would touch. */
export interface DiffItem {
  subject: string;
  action: 'created' | 'configured' | 'deleted' | 'skipped';
  /** before and after are YAML (configured: live and merged; created: after only). */
  before?: string;
  after?: string;
  note?: string;
}

/** DiffView is the whole diff of a Kustomization. */
export interface DiffView {
  revision: string;
  source: string;
  unchanged: number;
  items: DiffItem[];
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** maskSecret replaces every value of a Secret's data and stringData with "***". */
export function maskSecret(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Secret') return obj;
  const copy = structuredClone(obj);
  for (const field of ['data', 'stringData']) {
    const m = copy[field];
    if (isMap(m)) for (const k of Object.keys(m)) m[k] = '***';
  }
  return copy;
}

/** forDisplay drops what the server stamps and no one wrote, so the diff shows the fields that change. */
function forDisplay(obj: KubeObject): string {
  const copy = structuredClone(obj);
  delete copy.status;
  for (const f of ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp']) {
    delete copy.metadata[f];
  }
  return stringify(copy);
}

/** diffKustomizationView builds the Kustomization's current artifact and dry-runs every object. */
export async function diffKustomizationView(client: KubeClient, ks: Kustomization): Promise<DiffView> {
  const preview = await previewKustomization(client, ks);
  const encrypted = preview.objects.filter((o) => o.kind === 'Secret' && o['sops'] !== undefined);
  const plain = preview.objects.filter((o) => !encrypted.includes(o));
  const entries = await diffAll(client, plain, {
    fieldManager: 'kustomize-controller',
    ...(ks.spec.ignore ? { ignore: ks.spec.ignore } : {}),
  });
  const built = new Map(plain.map((o) => [subjectOf(refOf(o)), o]));
  const items: DiffItem[] = [];
  let unchanged = 0;
  for (const e of entries) {
    if (e.action === 'created') {
      const obj = built.get(e.subject);
      items.push({ subject: e.subject, action: 'created', ...(obj ? { after: forDisplay(maskSecret(obj)) } : {}) });
    } else if (e.action === 'configured' && e.live && e.merged) {
      items.push({
        subject: e.subject,
        action: 'configured',
        before: forDisplay(e.live),
        after: forDisplay(e.merged),
      });
    } else if (e.action === 'configured') {
      items.push({ subject: e.subject, action: 'configured', note: 'the object will be recreated' });
    } else unchanged++;
  }
  for (const obj of encrypted) {
    items.push({
      subject: subjectOf(refOf(obj)),
      action: 'skipped',
      note: 'SOPS-encrypted in the source: not compared (the UI holds no decryption keys)',
    });
  }
  if (ks.spec.prune) {
    for (const ref of staleObjects(ks.status?.inventory, inventoryFromObjects(preview.objects))) {
      items.push({ subject: subjectOf(ref), action: 'deleted' });
    }
  }
  return { revision: preview.revision, source: preview.source, unchanged, items };
}
