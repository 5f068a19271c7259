import { FluxtsError } from '../../../util/errors.ts';

/** Json6902Error says which JSON 6902 operation failed (index, op, path) and why. */
export class Json6902Error extends FluxtsError {}
