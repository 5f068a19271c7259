import { FluxtsError } from '../../util/errors.ts';

/**
 * SprigError is a Sprig function failing: the Go error it returns or the panic it raises, with Go's text as the
 * message (`strings: negative Repeat count`, `Cannot find first on type map`). The template engine reports it as
 * `error calling NAME: MESSAGE`, as Go's text/template does.
 */
export class SprigError extends FluxtsError {}

/**
 * SprigLimitError is a Sprig function refusing to build a result larger than the engine allows (a `repeat` of a
 * gigabyte, `until` of a billion). Go would try and exhaust memory; fluxts fails fast with what and how much.
 */
export class SprigLimitError extends SprigError {}

/**
 * rethrowAs runs `f` and turns an error of class `from` (a library's Go-error equivalent) into a SprigError with the
 * same message, which the template engine reports as the function's error.
 */
export function rethrowAs<T>(from: abstract new (...args: never[]) => Error, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof from) throw new SprigError(err.message, { cause: err });
    throw err;
  }
}
