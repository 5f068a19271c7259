// Go's encoding/json output for the payloads Flux marshals: byte-identical bodies matter where a receiver checks an
// HMAC over them (generic-hmac), derives an id from them (matrix transaction ids) or embeds them (githubdispatch).

const goEscapes: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * goJson serializes like Go's json.Marshal: JSON.stringify's output with Go's HTML-safe escapes (`<`, `>`, `&`,
 * U+2028, U+2029). Key order is the caller's: build objects in Go's struct-field order and sort map keys with
 * `sortedRecord`.
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => goEscapes[c] ?? c);
}

/** sortedRecord copies a string map with its keys in Go's map-marshal order (sorted by byte value). */
export function sortedRecord<V>(map: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const key of Object.keys(map).sort(compareGo)) out[key] = map[key] as V;
  return out;
}

/** compareGo orders strings by UTF-8 bytes, as Go's sort.Strings does (UTF-16 order differs above U+FFFF). */
export function compareGo(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
