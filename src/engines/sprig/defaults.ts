/** Sprig's default and flow functions: `default`, `empty`, `coalesce`, `all`, `any`, `ternary`, `fail`. */
import { ANY, BOOL, goFunc, goVariadicFunc, STRING, type FuncMap } from '../gotemplate/index.ts';
import { SprigError } from './errors.ts';
import { isEmpty } from './reflect.ts';

export function defaultFunctions(): FuncMap {
  return {
    default: goVariadicFunc([ANY], ANY, (d, ...given) =>
      given.length === 0 || isEmpty(given[0]) ? d : (given[0] ?? null),
    ),
    empty: goFunc([ANY], (v) => isEmpty(v), { type: BOOL }),
    coalesce: goVariadicFunc([], ANY, (...v) => v.find((x) => !isEmpty(x)) ?? null),
    all: goVariadicFunc([], ANY, (...v) => v.every((x) => !isEmpty(x)), { type: BOOL }),
    any: goVariadicFunc([], ANY, (...v) => v.some((x) => !isEmpty(x)), { type: BOOL }),
    ternary: goFunc([ANY, ANY, BOOL], (vt, vf, v) => (v ? vt : vf)),
    // Sprig's own fail; Helm replaces it with one that formats the message for its error report.
    fail: goFunc(
      [STRING],
      (msg) => {
        throw new SprigError(msg);
      },
      { type: STRING, error: true },
    ),
  };
}
