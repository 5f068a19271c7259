// Public surface of engines/sprig: the Sprig v3.3.0 function map as Helm v4.2.4 exposes it.
import { goFunc, STRING, type FuncMap } from '../gotemplate/index.ts';
import { sprigContext, type SprigOptions } from './context.ts';
import { cryptoFunctions } from './crypto.ts';
import { dateFunctions } from './dates.ts';
import { defaultFunctions } from './defaults.ts';
import { dictFunctions } from './dict.ts';
import { encodingFunctions } from './encoding.ts';
import { hashFunctions } from './hashes.ts';
import { jsonFunctions } from './json.ts';
import { listFunctions } from './list.ts';
import { numericFunctions } from './numeric.ts';
import { pathFunctions } from './paths.ts';
import { randomFunctions } from './random.ts';
import { reflectFunctions } from './reflect.ts';
import { regexFunctions } from './regex.ts';

/** Go's regexp expansion (`$1`, `${name}`), for other engines that take Go replacement templates. */
export { expandTemplate, offsets, type Match } from './regex.ts';
import { semverFunctions } from './semver.ts';
import { stringFunctions } from './strings.ts';
import { urlFunctions } from './url.ts';

/**
 * sprigFunctions returns Sprig's text function map as Helm v4.2.4 exposes it: every Sprig v3.3.0 function except
 * `env` and `expandenv` (Helm deletes them, so templates using them fail to parse), and `getHostByName` answering
 * "" unless `options.lookupHost` says otherwise (Helm without `--enable-dns`). Helm's own functions (`toYaml`,
 * `include`, `tpl`, `required`, its `fail`, `toJson`, `fromJson`, …) are layered on top by the Helm engine.
 *
 *     const t = new Template('x').funcs(sprigFunctions({ localZone: 'UTC' })).parse('{{ "a" | upper }}');
 */
export function sprigFunctions(options: SprigOptions = {}): FuncMap {
  const ctx = sprigContext(options);
  return {
    ...stringFunctions(ctx),
    ...numericFunctions(ctx),
    ...defaultFunctions(),
    ...dictFunctions(),
    ...listFunctions(ctx),
    ...reflectFunctions(),
    ...regexFunctions(ctx),
    ...semverFunctions(),
    ...encodingFunctions(),
    ...hashFunctions(),
    ...jsonFunctions(ctx),
    ...pathFunctions(),
    ...dateFunctions(ctx),
    ...cryptoFunctions(ctx),
    ...urlFunctions(),
    ...randomFunctions(ctx),
    getHostByName: goFunc([STRING], (name) => ctx.lookupHost(name), { type: STRING }),
  };
}

export { sprigContext, type SprigContext, type SprigOptions } from './context.ts';
export { SprigError, SprigLimitError } from './errors.ts';
export { DEFAULT_LIMITS, type SprigLimits } from './limits.ts';
export { deepCopy } from './dict.ts';
export { deepEqual, isEmpty } from './reflect.ts';
export { strval, strslice } from './convert.ts';
export { toFloat64, toInt64 } from './cast.ts';
export { semverTypes, versionValue } from './semver.ts';
export { clean as goPathClean } from './paths.ts';
export { timeString, timeTypes, timeValue } from './dates.ts';
export { certificateType, decryptAES, derivePassword, encryptAES } from './crypto.ts';
