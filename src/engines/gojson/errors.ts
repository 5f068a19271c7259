import { FluxtsError } from '../../util/errors.ts';

/** GoJsonError is an encoding/json error with Go's exact text (`json: unsupported value: NaN`). */
export class GoJsonError extends FluxtsError {}

/** JsonSyntaxError is json.SyntaxError: the message and the byte offset after the offending byte. */
export class JsonSyntaxError extends GoJsonError {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}
