import { formatFloatG } from '../../util/go-float.ts';

/** Typed is a resolved scalar as the encoders take it: strings, booleans, null, exact integers and floats. */
export type Typed = string | boolean | null | bigint | number;

const INT64_MIN = -(1n << 63n);
const UINT64_LIMIT = 1n << 64n;

/**
 * formatRoundTripped prints a non-string after sigs.k8s.io/yaml's JSON round trip (Go's JSON encoder, then go-yaml
 * v2 reading the number back): integral text that fits int64 or uint64 stays an integer, anything else is a
 * float64 printed with strconv's shortest 'g' form; `.nan`/`.inf` only arise without the JSON step.
 */
export function formatRoundTripped(v: Exclude<Typed, string>): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (Number.isNaN(v)) return '.nan';
  if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  const json = String(v);
  if (/^-?\d+$/.test(json)) {
    const b = BigInt(json);
    if (b >= INT64_MIN && b < UINT64_LIMIT) return json;
  }
  return formatFloatG(v);
}

/** formatDirect prints a Go value encoded without a JSON step (go-yaml v3 on typed values, as sops does). */
export function formatDirect(v: Exclude<Typed, string>): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  const g = formatFloatG(v);
  if (g === '+Inf') return '.inf';
  if (g === '-Inf') return '-.inf';
  if (g === 'NaN') return '.nan';
  return g;
}
