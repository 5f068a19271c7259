// goref: Go's own text/template (from the local Go 1.26 toolchain) as the reference for engines/gotemplate.
// The program in ./goref is built once per source digest and Go version into the per-user cache.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildGoReference, JsonLinesProcess } from '../support/go-reference.ts';

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'goref');

/** GoRefRequest is one template execution: the set's templates in parse order, the template to run, its data. */
export interface GoRefRequest {
  root?: string;
  templates: [name: string, text: string][];
  exec?: string;
  data?: unknown;
  options?: string[];
  delims?: [string, string];
  /** Parse and execute this many times and report the mean times instead of the output. */
  bench?: number;
}

/** GoRefResponse is the output, or the error and whether parsing or executing failed. */
export interface GoRefResponse {
  output?: string;
  error?: string;
  phase?: 'parse' | 'exec' | 'panic' | 'request';
  parseNs?: number;
  execNs?: number;
}

/** buildGoRef builds the reference program once per source digest and Go version; returns its path. */
export function buildGoRef(): Promise<string> {
  return buildGoReference({
    name: 'gotemplate-ref',
    sourceDir: SOURCE_DIR,
    files: ['go.mod', 'main.go'],
    description: 'Go text/template reference',
    perGoVersion: true,
  });
}

/** GoRef is a running reference program: one request, one answer, in order. */
export class GoRef extends JsonLinesProcess<GoRefRequest, GoRefResponse> {
  static async start(): Promise<GoRef> {
    return new GoRef(await buildGoRef());
  }
}
