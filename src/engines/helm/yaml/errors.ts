import { FluxtsError } from '../../../util/errors.ts';

/** Mark is a position in the text as go-yaml counts it: characters (code points), 0-based line and column. */
export interface Mark {
  index: number;
  line: number;
  column: number;
}

/** YamlErrorKind says which stage failed: go-yaml words and numbers the message differently for each. */
export type YamlErrorKind = 'reader' | 'scanner' | 'parser' | 'decoder';

/**
 * YamlError is a YAML text go-yaml v2 refuses. `message` is go-yaml's own text (`yaml: line 3: mapping values are
 * not allowed in this context`), because Helm prints it inside its own messages.
 */
export class YamlError extends FluxtsError {
  readonly kind: YamlErrorKind;
  readonly problem: string;

  constructor(kind: YamlErrorKind, problem: string, message: string) {
    super(message);
    this.kind = kind;
    this.problem = problem;
  }

  /**
   * located renders a scanner or parser error as go-yaml does: the problem's line (1-based for scanner errors,
   * but the 0-based number for parser errors, go-yaml's long-standing quirk), or else the context's 0-based line,
   * or no line at all when both are on the first line.
   */
  static located(kind: 'scanner' | 'parser', problem: string, problemMark: Mark, contextMark?: Mark): YamlError {
    let line = 0;
    if (problemMark.line !== 0) line = kind === 'scanner' ? problemMark.line + 1 : problemMark.line;
    else if (contextMark !== undefined && contextMark.line !== 0) line = contextMark.line;
    const where = line !== 0 ? `line ${line}: ` : '';
    return new YamlError(kind, problem, `yaml: ${where}${problem}`);
  }

  /** plain is an error without a position (reader errors and the decoder's failures). */
  static plain(kind: 'reader' | 'decoder', problem: string): YamlError {
    return new YamlError(kind, problem, `yaml: ${problem}`);
  }
}
