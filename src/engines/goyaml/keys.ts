// go-yaml v2's mapping key order (sorter.go keyList.Less) for string keys: what sigs.k8s.io/yaml, and so kustomize,
// Helm's toYaml and the flux CLI, print. Letters compare by code point and after everything else; runs of digits
// compare by value.

const isLetter = (ch: string): boolean => /\p{L}/u.test(ch);
const isDigit = (ch: string | undefined): boolean => ch !== undefined && /\p{Nd}/u.test(ch);
const ALPHA = /^[A-Za-z]+$/;

/** keyLess is keyList.Less for two string keys. */
export function keyLess(a: string, b: string): boolean {
  // Fast path, exact for the usual keys: ASCII letters only compare by code point.
  if (ALPHA.test(a) && ALPHA.test(b)) return a < b;
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] ?? '';
    const bc = br[i] ?? '';
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0);
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt((ar[ai] ?? '0').charCodeAt(0) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt((br[bi] ?? '0').charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0);
  }
  return ar.length < br.length;
}

/** compareKeys is keyLess as a sort comparator. */
export function compareKeys(a: string, b: string): number {
  return keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0;
}
