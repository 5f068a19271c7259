import { FluxtsError } from '../../util/errors.ts';

/** Diagnostic is one problem of a build: the file, and where known the line and column (1-based). */
export interface Diagnostic {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** formatDiagnostic renders `file:line:col: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const pos = d.line === undefined ? '' : `:${d.line}${d.column === undefined ? '' : `:${d.column}`}`;
  return `${d.file}${pos}: ${d.message}`;
}

/**
 * KustomizeBuildError carries every problem a build found. The message starts with the kustomization directory
 * and lists each diagnostic on its own line.
 */
export class KustomizeBuildError extends FluxtsError {
  readonly diagnostics: readonly Diagnostic[];

  constructor(dir: string, diagnostics: Diagnostic[], options?: { cause?: unknown; hint?: string }) {
    const lines = diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n');
    super(`kustomize build ${dir} failed with ${diagnostics.length} problem(s):\n${lines}`, options);
    this.diagnostics = diagnostics;
  }
}

/** Problems collects diagnostics while a build keeps going, so that one run reports all of them. */
export class Problems {
  readonly list: Diagnostic[] = [];
  readonly #seen = new Set<string>();

  /** add records a diagnostic; the same one twice (a file read by two steps) is listed once. */
  add(file: string, message: string, line?: number, column?: number): void {
    const key = `${file}\0${line}\0${column}\0${message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    const d: Diagnostic = { file, message };
    if (line !== undefined) d.line = line;
    if (column !== undefined) d.column = column;
    this.list.push(d);
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

/** RegexSyntaxError: a selector pattern Go's regexp (RE2) would not compile, or that this engine cannot translate. */
export class RegexSyntaxError extends FluxtsError {}

/** lineCol converts an offset into 1-based line and column. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, col: offset - last };
}
