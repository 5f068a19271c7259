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
import { GoJsonError, isEmptyValue, jsonTag, marshal } from '../../gojson/index.ts';
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
  if (v instanceof GoStruct && v.type.name !== '*common.Capabilities') {
    // Types from other engines (time.Time, *semver.Version, …) marshal through their own MarshalJSON.
    try {
      return parseGoJson(marshal(v));
    } catch (err) {
      if (err instanceof GoJsonError) throw new MarshalError(err.message);
      throw err;
    }
  }
  if (v instanceof GoStruct) {
    // .Capabilities holds a VersionSet and structs whose fields are converted one by one (with their JSON tags).
    const type = v.type.kind === 'ptr' ? v.type.elem! : v.type;
    const out = new Map<string, Value>();
    for (const f of type.fields) {
      if (f.exported === false) continue;
      const tag = jsonTag(f);
      if (tag === undefined || (tag.omitEmpty && isEmptyValue(v.fields[f.name] ?? null))) continue;
      out.set(tag.name, marshalable(v.fields[f.name]));
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
