import { loadValues, mergeMaps, ValuesError } from './load.ts';
import { GoJsonError, parseGoJson } from './json.ts';
import { parseInto, parseIntoFile, parseIntoString, parseJson, parseLiteralInto, StrvalsError } from './strvals.ts';
import type { ValueMap } from './value.ts';

/** ValueOptions are the user's values flags, each list in command-line order. */
export interface ValueOptions {
  /** valueFiles: `-f/--values` paths. */
  valueFiles?: readonly string[];
  /** values: `--set`. */
  values?: readonly string[];
  /** stringValues: `--set-string`. */
  stringValues?: readonly string[];
  /** fileValues: `--set-file`. */
  fileValues?: readonly string[];
  /** jsonValues: `--set-json`. */
  jsonValues?: readonly string[];
  /** literalValues: `--set-literal`. */
  literalValues?: readonly string[];
}

/** ReadFile returns a file's text; it throws an Error whose message Helm would print (`open x: no such file…`). */
export type ReadFile = (path: string) => string;

/**
 * mergeValues assembles the user-supplied values as Helm does, grouped by flag kind whatever the order on the
 * command line: values files merged in order, then `--set-json` (a whole JSON object, or `path=<JSON>` items),
 * `--set`, `--set-string`, `--set-file`, `--set-literal`. The result is what a release stores as its `config`.
 */
export function mergeValues(opts: ValueOptions, readFile: ReadFile): ValueMap {
  let base: ValueMap = new Map();
  for (const path of opts.valueFiles ?? []) {
    const raw = readFile(path);
    try {
      base = mergeMaps(base, loadValues(raw));
    } catch (err) {
      if (err instanceof ValuesError) throw new ValuesError(`failed to parse ${path}: ${err.message}`);
      throw err;
    }
  }
  for (const value of opts.jsonValues ?? []) {
    const trimmed = value.trim();
    if (trimmed.startsWith('{')) {
      let parsed;
      try {
        parsed = parseGoJson(trimmed);
      } catch (err) {
        if (err instanceof GoJsonError) throw new ValuesError(`failed parsing --set-json data JSON: ${value}`);
        throw err;
      }
      if (!(parsed instanceof Map)) throw new ValuesError(`failed parsing --set-json data JSON: ${value}`);
      base = mergeMaps(base, parsed);
    } else {
      try {
        parseJson(value, base);
      } catch (err) {
        if (err instanceof StrvalsError) throw new ValuesError(`failed parsing --set-json data ${value}`);
        throw err;
      }
    }
  }
  const each = (list: readonly string[] | undefined, flag: string, parse: (v: string) => void): void => {
    for (const value of list ?? []) {
      try {
        parse(value);
      } catch (err) {
        if (err instanceof StrvalsError || err instanceof FileReadError) {
          throw new ValuesError(`failed parsing ${flag} data: ${err.message}`);
        }
        throw err;
      }
    }
  };
  each(opts.values, '--set', (v) => parseInto(v, base));
  each(opts.stringValues, '--set-string', (v) => parseIntoString(v, base));
  each(opts.fileValues, '--set-file', (v) =>
    parseIntoFile(v, base, (path) => {
      try {
        return readFile(path);
      } catch (err) {
        throw new FileReadError((err as Error).message);
      }
    }),
  );
  each(opts.literalValues, '--set-literal', (v) => parseLiteralInto(v, base));
  return base;
}

class FileReadError extends Error {}
