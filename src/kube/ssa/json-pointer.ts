// RFC 6901 JSON pointers over plain JSON values: the paths of Kustomization `spec.ignore` rules.

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** parsePointer splits a pointer into reference tokens (`~1` → `/`, `~0` → `~`); `""` is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer "${pointer}" must be empty or start with "/"`);
  // ~1 is decoded before ~0 as RFC 6901 §4 requires, so "~01" stays the literal "~1".
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** arrayIndex is the token as an index into an array of `length`, or undefined when it names no element. */
function arrayIndex(token: string, length: number): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const i = Number(token);
  return i < length ? i : undefined;
}

function child(value: unknown, token: string): { found: boolean; value?: unknown } {
  if (Array.isArray(value)) {
    const i = arrayIndex(token, value.length);
    return i === undefined ? { found: false } : { found: true, value: value[i] };
  }
  if (isMap(value) && Object.hasOwn(value, token)) return { found: true, value: value[token] };
  return { found: false };
}

/** getPointer returns the value the tokens point at, and whether it exists. */
export function getPointer(doc: unknown, tokens: readonly string[]): { found: boolean; value?: unknown } {
  let cur: { found: boolean; value?: unknown } = { found: true, value: doc };
  for (const token of tokens) {
    cur = child(cur.value, token);
    if (!cur.found) return cur;
  }
  return cur;
}

/** removePointer deletes the value in place (array elements are spliced out); a missing path is a no-op. */
export function removePointer(doc: unknown, tokens: readonly string[]): void {
  if (tokens.length === 0) return;
  const parent = getPointer(doc, tokens.slice(0, -1));
  if (!parent.found) return;
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent.value)) {
    const i = arrayIndex(last, parent.value.length);
    if (i !== undefined) parent.value.splice(i, 1);
  } else if (isMap(parent.value)) {
    delete parent.value[last];
  }
}

/**
 * setPointer writes the value in place, creating missing maps on the way (never arrays: an index into a missing
 * array cannot be created meaningfully). Returns false when the path cannot be written.
 */
export function setPointer(doc: unknown, tokens: readonly string[], value: unknown): boolean {
  if (tokens.length === 0) return false;
  let cur = doc;
  for (const [n, token] of tokens.entries()) {
    const last = n === tokens.length - 1;
    if (Array.isArray(cur)) {
      const i = arrayIndex(token, cur.length);
      if (i === undefined) return false;
      if (last) cur[i] = value;
      else cur = cur[i];
    } else if (isMap(cur)) {
      if (last) cur[token] = value;
      else {
        if (!Object.hasOwn(cur, token)) cur[token] = {};
        cur = cur[token];
      }
    } else return false;
  }
  return true;
}
