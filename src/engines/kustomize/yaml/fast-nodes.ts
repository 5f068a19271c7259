import { Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/**
 * Node factories for the `yaml` package's classes that skip their constructors. The constructors tag each
 * instance with `Object.defineProperty`, which made node creation the largest cost of a big build; here the tag
 * sits on a shared prototype that inherits from the real class, so `isScalar`/`isMap`/`instanceof` and every
 * method behave exactly as for nodes the `yaml` package made itself.
 */

const NODE_TYPE = Symbol.for('yaml.node.type');

function proto<T extends object>(base: T, type: string, extra: PropertyDescriptorMap = {}): T {
  return Object.create(base, { [NODE_TYPE]: { value: Symbol.for(type) }, ...extra }) as T;
}

const SCALAR = proto(Scalar.prototype, 'yaml.scalar');
const PAIR = proto(Pair.prototype, 'yaml.pair');
const COLLECTION_SCHEMA = { schema: { value: undefined, writable: true, configurable: true, enumerable: false } };
const MAP = proto(YAMLMap.prototype, 'yaml.map', COLLECTION_SCHEMA);
const SEQ = proto(YAMLSeq.prototype, 'yaml.seq', COLLECTION_SCHEMA);

/** newScalar makes a scalar node; `type` is its source style (undefined for values made by transformers). */
export function newScalar<T>(value: T, type?: Scalar.Type): Scalar<T> {
  const s = Object.create(SCALAR) as Scalar<T>;
  s.value = value;
  if (type !== undefined) s.type = type;
  return s;
}

/** newPair makes a mapping entry. */
export function newPair(key: unknown, value: unknown): Pair {
  const p = Object.create(PAIR) as Pair;
  p.key = key;
  p.value = value;
  return p;
}

/** newMap makes an empty mapping. */
export function newMap(): YAMLMap {
  const m = Object.create(MAP) as YAMLMap;
  m.items = [];
  return m;
}

/** newSeq makes an empty sequence. */
export function newSeq(): YAMLSeq {
  const s = Object.create(SEQ) as YAMLSeq;
  s.items = [];
  return s;
}
