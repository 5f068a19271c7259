import { KstatusError } from './errors.ts';
import type { KubeObject } from './types.ts';

/**
 * Field access with the semantics of apimachinery's unstructured helpers, which the kstatus rules rely on: a
 * lenient getter falls back to a default for a missing or mistyped field; a strict one fails on a mistyped one.
 */

type Json = Readonly<Record<string, unknown>>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** nestedField walks a path; `found` is false when a segment is missing, `error` when a parent is not a map. */
function nestedField(obj: KubeObject, path: readonly string[]): { found: boolean; value?: unknown; error?: string } {
  let cur: unknown = obj;
  for (let i = 0; i < path.length; i++) {
    if (cur === null || cur === undefined) return { found: false };
    if (!isMap(cur)) return { found: false, error: `.${path.slice(0, i).join('.')} is not a map` };
    const key = path[i] as string;
    if (!(key in cur)) return { found: false };
    cur = cur[key];
  }
  return { found: true, value: cur };
}

const split = (p: string): string[] => p.split('.').filter((s) => s !== '');

/** goType names a JSON value's type as Go's unstructured accessors report it. */
function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

const accessorError = (path: string, v: unknown, want: string): KstatusError =>
  new KstatusError(
    `looking up ${path} from resource: .${path} accessor error: ${JSON.stringify(v)} is of the type ${goType(v)}, expected ${want}`,
  );

/** intField is cli-utils' GetIntField: an integer at the path, else the default. */
export function intField(obj: KubeObject, path: string, dflt: number): number {
  const { found, value } = nestedField(obj, split(path));
  return found && typeof value === 'number' && Number.isInteger(value) ? value : dflt;
}

/** stringField is cli-utils' GetStringField: a string at the path, else the default. */
export function stringField(obj: KubeObject, path: string, dflt: string): string {
  const { found, value } = nestedField(obj, split(path));
  return found && typeof value === 'string' ? value : dflt;
}

/** nestedInt64 is unstructured.NestedInt64: undefined when absent, a KstatusError when not an integer. */
export function nestedInt64(obj: KubeObject, path: string): number | undefined {
  const { found, value, error } = nestedField(obj, split(path));
  if (error) throw new KstatusError(`looking up ${path} from resource: ${error}`);
  if (!found) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw accessorError(path, value, 'int64');
  }
  return value;
}

/** nestedString is unstructured.NestedString: undefined when absent, a KstatusError when not a string. */
export function nestedString(obj: KubeObject, path: string): string | undefined {
  const { found, value, error } = nestedField(obj, split(path));
  if (error) throw new KstatusError(`looking up ${path} from resource: ${error}`);
  if (!found || value === null) return undefined;
  if (typeof value !== 'string') {
    throw accessorError(path, value, 'string');
  }
  return value;
}

/** BasicCondition is an entry of `status.conditions` as kstatus reads it. */
export interface BasicCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/**
 * conditionsOf is cli-utils' GetObjectWithConditions: the object's `status.conditions` with missing fields empty;
 * a KstatusError when `status` or the list is not of the expected shape (a JSON decoding error in Go).
 */
export function conditionsOf(obj: KubeObject): BasicCondition[] {
  const status = obj['status'];
  if (status === undefined || status === null) return [];
  if (!isMap(status)) throw new KstatusError('status: expected an object');
  const list = status['conditions'];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KstatusError('status.conditions: expected a list');
  return list.map((c: unknown, i) => {
    if (c === null) return { type: '', status: '', reason: '', message: '' };
    if (!isMap(c)) throw new KstatusError(`status.conditions[${i}]: expected an object`);
    const str = (k: string): string => {
      const v = c[k];
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string') throw new KstatusError(`status.conditions[${i}].${k}: expected a string`);
      return v;
    };
    return { type: str('type'), status: str('status'), reason: str('reason'), message: str('message') };
  });
}

/** hasCondition is true when a condition of the type has the status. */
export function findCondition(
  conds: readonly BasicCondition[],
  type: string,
  status: string,
): BasicCondition | undefined {
  return conds.find((c) => c.type === type && c.status === status);
}
