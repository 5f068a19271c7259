import { isMap, isScalar, isSeq } from 'yaml';

import { asText, type Kustomization } from './kustomization.ts';
import { field } from './nodes.ts';
import { pluginName } from './plugin-config.ts';
import { type LoadEntry, pluginConfigs, transform } from './plugins.ts';
import type { Resource } from './resource.ts';
import type { Context } from './context.ts';

/**
 * runValidatorPlugins runs `validators:` configs: a validator may only look. kustomize deep-compares the object
 * trees before and after, positions included, so even rewriting a field with its own value counts as a change;
 * the one exception is a `validated-by` label on an object that had no labels (removed before comparing).
 */
export function runValidatorPlugins(ctx: Context, k: Kustomization, out: Resource[], load: LoadEntry): void {
  for (const c of pluginConfigs(ctx, k, 'validators', load)) {
    const before = out.map(fingerprint);
    if (!transform(ctx, k, c, out)) continue;
    const changed = out.find(
      (r, i) =>
        !sameFingerprint(
          before[i],
          withoutValidatedBy(r, () => fingerprint(r)),
        ),
    );
    if (changed || before.length !== out.length) {
      const what = changed ? changed.subject : 'the object list';
      ctx.problems.add(
        c.file,
        `validator shouldn't modify the resource map: ${asText(c.data['kind'])} "${pluginName(c)}" changed ${what}`,
      );
    }
  }
}

/** fingerprint lists every node of an object (by identity) and every scalar value, in document order. */
function fingerprint(r: Resource): unknown[] {
  const out: unknown[] = [r];
  const walk = (n: unknown): void => {
    out.push(n);
    if (isMap(n)) {
      out.push(n.items.length);
      for (const p of n.items) {
        walk(p.key);
        walk(p.value);
      }
    } else if (isSeq(n)) {
      out.push(n.items.length);
      for (const it of n.items) walk(it);
    } else if (isScalar(n)) out.push(n.value);
  };
  walk(r.node);
  return out;
}

function sameFingerprint(a: unknown[] | undefined, b: unknown[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

const VALIDATED_BY = 'validated-by';

/** withoutValidatedBy runs `f` with a labels mapping holding only `validated-by` taken out of the object. */
function withoutValidatedBy<T>(r: Resource, f: () => T): T {
  const meta = field(r.node, 'metadata');
  const labels = field(meta, 'labels');
  if (!isMap(meta) || !isMap(labels) || labels.items.length !== 1 || !labels.has(VALIDATED_BY)) return f();
  const i = meta.items.findIndex((p) => p.value === labels);
  const [pair] = meta.items.splice(i, 1);
  try {
    return f();
  } finally {
    if (pair) meta.items.splice(i, 0, pair);
  }
}
