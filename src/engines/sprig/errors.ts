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
