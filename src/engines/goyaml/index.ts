/**
 * engines/goyaml: the one Go-YAML emitter. YAML printed byte for byte as the Go libraries Flux and its tools use,
 * with presets for each place fluxts must match them, and their scalar resolution (what a plain scalar reads back
 * as), key order and number formatting written once.
 *
 * Presets:
 * - `marshalSigsYaml`: sigs.k8s.io/yaml.Marshal (JSON, then go-yaml v2): kustomize build output, the flux CLI's
 *   `--export`; `emitV2` prints any tree (kustomize's `yaml` nodes) the same way.
 * - `helmToYaml`: Helm's `toYaml`, the same with the trailing newline removed.
 * - `emitV3`: go-yaml v3 with comments at an encoder indent (sops: 4).
 *
 * @example
 *   marshalSigsYaml({ kind: 'ConfigMap', data: { on: 'yes' } }); // 'data:\n  "on": "yes"\nkind: ConfigMap\n'
 */
export { emitV2, valueTree, type V2Node, type V2Tree, type Value } from './v2.ts';
export { emitV3, noComments, type Comments, type YMap, type YNode, type YScalar, type YSeq } from './v3.ts';
export { compareKeys, keyLess } from './keys.ts';
export { formatDirect, formatRoundTripped, type Typed } from './numbers.ts';
export {
  goParseFloat,
  goParseInt,
  needsQuotes,
  parseTimestamp,
  resolvePlain,
  type GoTag,
  type Resolved,
  type YamlVersion,
} from './resolve.ts';
export { yamlEscape } from './escape.ts';

import { emitV2, valueTree, type Value } from './v2.ts';

/** marshalSigsYaml is sigs.k8s.io/yaml.Marshal of JSON-like data: sorted keys, go-yaml v2 styles, a final newline. */
export function marshalSigsYaml(value: Value): string {
  return emitV2(value, valueTree);
}

/** helmToYaml is Helm's `toYaml` (v3 and v4): sigs.k8s.io/yaml.Marshal with one trailing newline removed. */
export function helmToYaml(value: Value): string {
  const out = marshalSigsYaml(value);
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}
