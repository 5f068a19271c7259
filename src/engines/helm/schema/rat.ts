/**
 * Rat is an exact rational number (Go's big.Rat), as the schema library compares numbers: decimal literals such
 * as `0.1` are exact, so `multipleOf` and bounds do not suffer binary rounding.
 */
export class Rat {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    const g = gcd(num < 0n ? -num : num, den);
    this.num = g === 0n ? 0n : num / g;
    this.den = g === 0n ? 1n : den / g;
  }

  /** parse reads a decimal literal (`-1.5e3`, `0.1`, `7`). */
  static parse(text: string): Rat {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (m === null) throw new Error(`not a number: ${text}`);
    const [, sign, int = '', frac = '', exp = '0'] = m;
    let num = BigInt((int + frac).replace(/^0+(?=\d)/, '') || '0');
    let den = 10n ** BigInt(frac.length);
    const e = Number(exp);
    if (e > 0) num *= 10n ** BigInt(e);
    else if (e < 0) den *= 10n ** BigInt(-e);
    if (sign === '-') num = -num;
    return new Rat(num, den);
  }

  cmp(o: Rat): number {
    const a = this.num * o.den;
    const b = o.num * this.den;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  div(o: Rat): Rat {
    const num = this.num * o.den;
    const den = this.den * o.num;
    return den < 0n ? new Rat(-num, -den) : new Rat(num, den);
  }

  isInt(): boolean {
    return this.den === 1n;
  }

  /** toNumber is big.Rat.Float64: the nearest float64. */
  toNumber(): number {
    if (this.den === 1n) return Number(this.num);
    const neg = this.num < 0n;
    const n = neg ? -this.num : this.num;
    // Scale to 20 significant digits, then let JavaScript round the decimal text.
    const scale = 40n;
    const q = (n * 10n ** scale) / this.den;
    const text = `${q.toString().padStart(Number(scale) + 1, '0')}`;
    const s = `${text.slice(0, -Number(scale))}.${text.slice(-Number(scale))}`;
    const v = Number(s);
    return neg ? -v : v;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
