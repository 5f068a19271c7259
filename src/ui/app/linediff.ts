// A line diff of two short texts (one object's YAML): longest common subsequence, with a few lines of context
// around each change. Objects are small; a 2,000-line object is the practical limit (4M cells).

/** DiffLine is one line of a unified diff. */
export interface DiffLine {
  op: ' ' | '-' | '+' | '…';
  text: string;
}

/** lineDiff returns the unified diff of a and b with `context` lines around changes. */
export function lineDiff(a: string, b: string, context = 3): DiffLine[] {
  const lines = (t: string): string[] => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));
  const x = lines(a);
  const y = lines(b);
  const n = x.length;
  const m = y.length;
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        x[i] === y[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const all: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      all.push({ op: ' ', text: x[i]! });
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
      // Removed lines print before the lines that replace them, as diff -u does.
      all.push({ op: '-', text: x[i++]! });
    } else {
      all.push({ op: '+', text: y[j++]! });
    }
  }
  const keep = all.map(() => false);
  all.forEach((l, k) => {
    if (l.op === ' ') return;
    for (let c = Math.max(0, k - context); c <= Math.min(all.length - 1, k + context); c++) keep[c] = true;
  });
  const out: DiffLine[] = [];
  let skipped = false;
  all.forEach((l, k) => {
    if (keep[k]) {
      out.push(l);
      skipped = false;
    } else if (!skipped) {
      out.push({ op: '…', text: '' });
      skipped = true;
    }
  });
  return out;
}
