import {
  GoBoxed,
  GoFunc,
  GoInt,
  GoNil,
  GoStruct,
  type GoValue,
  isGoMap,
  mapGet,
  typeOf,
} from '../../gotemplate/index.ts';
import { helmToYaml } from '../../goyaml/index.ts';
import { GoJsonError, marshal } from '../../gojson/index.ts';
import { parseGoJson } from '../values/json.ts';
import type { Value } from '../values/value.ts';
import { formatFloatG } from '../../../util/go-float.ts';

/**
 * What encoding/json makes of template data (json.Marshal), which Helm's toYaml then prints through
 * sigs.k8s.io/yaml (JSON, read back by go-yaml v2, emitted by go-yaml v2's emitter): the marshalling is Helm's
 * (its Go types and their JSON tags), the printing is engines/goyaml's `helmToYaml` preset, whose number rules
 * apply the JSON round trip (integral floats read back as integers).
 */

/** MarshalError is data encoding/json refuses (NaN, functions, channels). */
export class MarshalError extends Error {}

/** jsonFieldNames: encoding/json tag names of struct types that have them (by Go type name). */
const JSON_TAGS = new Map<string, { fields: Record<string, string>; omitEmpty: Set<string> }>([
  [
    'version.BuildInfo',
    {
      fields: {
        Version: 'version',
        GitCommit: 'git_commit',
        GitTreeState: 'git_tree_state',
        GoVersion: 'go_version',
        KubeClientVersion: 'kube_client_version',
      },
      omitEmpty: new Set(['version', 'git_commit', 'git_tree_state', 'go_version']),
    },
  ],
]);

/** marshalable converts template data as json.Marshal would see it; throws MarshalError like json.Marshal fails. */
export function marshalable(v: GoValue | undefined): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new MarshalError(`json: unsupported value: ${formatFloatG(v)}`);
    return v;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(marshalable);
  if (v instanceof GoInt) return v.value;
  if (v instanceof GoNil) return null;
  if (v instanceof GoFunc) throw new MarshalError(`json: unsupported type: ${v.type.name}`);
  if (
    v instanceof GoStruct &&
    !JSON_TAGS.has((v.type.kind === 'ptr' ? v.type.elem! : v.type).name) &&
    v.type.name !== '*common.Capabilities'
  ) {
    // Types from other engines (time.Time, *semver.Version, …) marshal through their own MarshalJSON.
    try {
      return parseGoJson(marshal(v));
    } catch (err) {
      if (err instanceof GoJsonError) throw new MarshalError(err.message);
      throw err;
    }
  }
  if (v instanceof GoStruct) {
    const type = v.type.kind === 'ptr' ? v.type.elem! : v.type;
    const tags = JSON_TAGS.get(type.name);
    const out = new Map<string, Value>();
    for (const f of type.fields) {
      if (f.exported === false) continue;
      const name = tags?.fields[f.name] ?? f.name;
      const fv = marshalable(v.fields[f.name]);
      if (tags?.omitEmpty.has(name) === true && (fv === '' || fv === null || fv === false || fv === 0)) continue;
      out.set(name, fv);
    }
    return out;
  }
  if (v instanceof GoBoxed) throw new MarshalError(`json: unsupported type: ${typeOf(v)?.name ?? 'unknown'}`);
  if (isGoMap(v)) {
    const out = new Map<string, Value>();
    for (const k of Object.keys(v)) out.set(k, marshalable(mapGet(v, k)));
    return out;
  }
  return null;
}

/** toYamlText is Helm's toYaml without the error swallowing: the YAML text without its final newline. */
export function toYamlText(v: GoValue | Value | undefined): string {
  return helmToYaml(v instanceof Map ? v : marshalable(v as GoValue | undefined));
}
