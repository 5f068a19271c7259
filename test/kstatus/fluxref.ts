// fluxref: Flux's own Go code (envsubst, varsub, kstatus, CEL) as a reference for differential tests. The Go module
// in ./fluxref pins the versions kustomize-controller v1.9.4 uses; it is built once into the per-user cache.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildGoReference, JsonLinesProcess } from '../support/go-reference.ts';

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fluxref');
const FILES = ['go.mod', 'go.sum', 'main.go'];

/** FluxRefResponse is one answer of the reference program. */
export interface FluxRefResponse {
  output?: string;
  json?: unknown;
  status?: string;
  message?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  value?: unknown;
  error?: string;
}

/** buildFluxRef builds the reference program once per source digest and returns its path. */
export function buildFluxRef(): Promise<string> {
  return buildGoReference({
    name: 'fluxref',
    sourceDir: SOURCE_DIR,
    files: FILES,
    description: 'Flux envsubst, kstatus and CEL reference',
  });
}

/** FluxRef is a running reference program: one request, one answer, in order. */
export class FluxRef extends JsonLinesProcess<Record<string, unknown>, FluxRefResponse> {
  static async start(): Promise<FluxRef> {
    return new FluxRef(await buildFluxRef());
  }
}
