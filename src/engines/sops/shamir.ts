import { randomBytes } from 'node:crypto';

import { SopsKeyError } from './errors.ts';

/**
 * Shamir's secret sharing over GF(2^8) with the AES reduction polynomial (x^8+x^4+x^3+x+1), in sops' share format:
 * each share is the secret's length in y-values followed by one byte holding its x coordinate (1, 2, 3, … in key
 * group order). sops uses it to split the data key across key groups.
 */

function mul(a: number, b: number): number {
  let acc = 0;
  for (let i = 7; i >= 0; i--) {
    const bit = (b >> i) & 1;
    acc = ((acc << 1) ^ (acc & 0x80 ? 0x1b : 0)) & 0xff;
    if (bit) acc ^= a;
  }
  return acc;
}

function inverse(a: number): number {
  // a^254 is the multiplicative inverse in GF(2^8).
  let r = 1;
  let base = a;
  let e = 254;
  while (e > 0) {
    if (e & 1) r = mul(r, base);
    base = mul(base, base);
    e >>= 1;
  }
  return r;
}

/** split divides a secret into `parts` shares of which any `threshold` recover it. */
export function split(secret: Uint8Array, parts: number, threshold: number): Uint8Array[] {
  if (parts < threshold) throw new SopsKeyError('shamir split: parts cannot be less than the threshold');
  if (parts > 255 || threshold > 255) throw new SopsKeyError('shamir split: at most 255 parts');
  if (threshold < 2) throw new SopsKeyError('shamir split: the threshold must be at least 2');
  if (secret.length === 0) throw new SopsKeyError('shamir split: cannot split an empty secret');
  const out = Array.from({ length: parts }, (_, i) => {
    const share = new Uint8Array(secret.length + 1);
    share[secret.length] = i + 1;
    return share;
  });
  secret.forEach((byte, idx) => {
    const coeffs = [byte, ...randomBytes(threshold - 1)];
    for (let p = 0; p < parts; p++) {
      const x = p + 1;
      let y = 0;
      for (let c = coeffs.length - 1; c >= 0; c--) y = mul(y, x) ^ (coeffs[c] ?? 0);
      (out[p] as Uint8Array)[idx] = y;
    }
  });
  return out;
}

/** combine recovers the secret from at least `threshold` shares (Lagrange interpolation at x = 0). */
export function combine(shares: Uint8Array[]): Uint8Array {
  if (shares.length < 2) throw new SopsKeyError('shamir combine: at least two shares are needed');
  const len = shares[0]?.length ?? 0;
  if (len < 2 || shares.some((s) => s.length !== len)) {
    throw new SopsKeyError('shamir combine: shares must all have the same length of at least two bytes');
  }
  const xs = shares.map((s) => s[len - 1] ?? 0);
  if (new Set(xs).size !== xs.length) throw new SopsKeyError('shamir combine: duplicate share');
  const secret = new Uint8Array(len - 1);
  for (let idx = 0; idx < len - 1; idx++) {
    let result = 0;
    for (let i = 0; i < xs.length; i++) {
      let basis = 1;
      for (let j = 0; j < xs.length; j++) {
        if (i === j) continue;
        const xi = xs[i] ?? 0;
        const xj = xs[j] ?? 0;
        basis = mul(basis, mul(xj, inverse(xi ^ xj)));
      }
      result ^= mul((shares[i] as Uint8Array)[idx] ?? 0, basis);
    }
    secret[idx] = result;
  }
  return secret;
}
