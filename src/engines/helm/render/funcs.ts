import {
  ANY,
  type FuncMap,
  goFunc,
  GoNil,
  type GoMap,
  type GoValue,
  isGoMap,
  MAP_ANY,
  mapSet,
  SLICE_ANY,
  STRING,
} from '../../gotemplate/index.ts';
import { GoJsonError, marshal, unmarshal } from '../../gojson/index.ts';
import { jsonKind } from '../values/json.ts';
import type { Value } from '../values/value.ts';
import { yamlToJson, YamlToJsonError } from '../yaml/decode.ts';
import { toGoValue } from './model.ts';
import { MarshalError, toYamlText } from './yaml-out.ts';
import { fromTomlText, toTomlText } from './toml.ts';

/**
 * The functions Helm adds to Sprig's (pkg/engine/funcs.go): YAML, JSON and TOML conversions in their forgiving
 * and `must` forms. `include`, `tpl`, `required`, `fail`, `lookup` and `getHostByName` are bound per render by
 * the engine.
 */

function errorMap(message: string): GoMap {
  const m: GoMap = {};
  mapSet(m, 'Error', message);
  return m;
}

/** fromYaml is sigs.k8s.io/yaml.Unmarshal into map[string]interface{}, errors reported in `Error`. */
function fromYaml(text: string): GoValue {
  let v: Value;
  try {
    v = yamlToJson(text);
  } catch (err) {
    if (err instanceof YamlToJsonError) return errorMap(`error converting YAML to JSON: ${err.message}`);
    throw err;
  }
  if (v === null) return new GoNil(MAP_ANY);
  if (!(v instanceof Map)) {
    return errorMap(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}`,
    );
  }
  return toGoValue(v);
}

function fromYamlArray(text: string): GoValue {
  let v: Value;
  try {
    v = yamlToJson(text);
  } catch (err) {
    if (err instanceof YamlToJsonError) return [`error converting YAML to JSON: ${err.message}`];
    throw err;
  }
  if (v === null) return new GoNil(SLICE_ANY);
  if (!Array.isArray(v)) {
    return [
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type []interface {}`,
    ];
  }
  return toGoValue(v);
}

/** fromJson is json.Unmarshal into map[string]interface{}, the error text in `Error`. */
function fromJson(text: string): GoValue {
  const r = unmarshal(text, 'map');
  if (r.error !== undefined) {
    const m = isGoMap(r.value) ? r.value : {};
    mapSet(m, 'Error', r.error.message);
    return m;
  }
  return r.value;
}

/** fromJsonArray is json.Unmarshal into []interface{}, an error becoming the only element. */
function fromJsonArray(text: string): GoValue {
  const r = unmarshal(text, 'slice');
  return r.error !== undefined ? [r.error.message] : r.value;
}

function swallow(f: () => string): string {
  try {
    return f();
  } catch (err) {
    if (err instanceof MarshalError || err instanceof GoJsonError) return '';
    throw err;
  }
}

/** helmFuncs is Helm's additions to the function map (the late-bound ones excluded). */
export function helmFuncs(): FuncMap {
  return {
    toYaml: goFunc([ANY], (v) => swallow(() => toYamlText(v)), { type: STRING }),
    mustToYaml: goFunc([ANY], (v) => toYamlText(v), { type: STRING }),
    toYamlPretty: goFunc([ANY], (v) => swallow(() => toYamlText(v)), { type: STRING }),
    fromYaml: goFunc([STRING], fromYaml, { type: MAP_ANY }),
    fromYamlArray: goFunc([STRING], fromYamlArray, { type: SLICE_ANY }),
    toJson: goFunc([ANY], (v) => swallow(() => marshal(v)), { type: STRING }),
    mustToJson: goFunc([ANY], (v) => marshal(v), { type: STRING }),
    fromJson: goFunc([STRING], fromJson, { type: MAP_ANY }),
    fromJsonArray: goFunc([STRING], fromJsonArray, { type: SLICE_ANY }),
    toToml: goFunc([ANY], (v) => toTomlText(v, false), { type: STRING }),
    mustToToml: goFunc([ANY], (v) => toTomlText(v, true), { type: STRING }),
    fromToml: goFunc([STRING], (s) => fromTomlText(s), { type: MAP_ANY }),
  };
}

/** isMapValue reports whether template data is a map (for callers outside the template engine). */
export function isMapValue(v: GoValue): boolean {
  return isGoMap(v);
}
