// sprigref: Go's text/template with the Sprig v3.3.0 function map as Helm v4.2.4 exposes it, as the reference
// for Sprig's differential tests. The Go module in ./sprigref pins the versions helm v4.2.4's go.mod resolves; it
// is built once per source digest into the per-user cache and shared by concurrent test files.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildGoReference, JsonLinesProcess } from '../support/go-reference.ts';

/** SprigRefResult is what Go printed (the exact bytes) or the error text Go's template returned. */
export type SprigRefResult = { output: Uint8Array } | { error: string };

/** SprigRef is a running reference program; `tz` sets Go's Local time zone (Go reads TZ). */
export class SprigRef {
  private readonly process: JsonLinesProcess<{ tpl: string; data: unknown }, { output?: string; error?: string }>;

  private constructor(path: string, tz: string) {
    this.process = new JsonLinesProcess(path, { TZ: tz });
  }

  static async start(tz = 'UTC'): Promise<SprigRef> {
    const path = await buildGoReference({
      name: 'sprigref',
      sourceDir: join(dirname(fileURLToPath(import.meta.url)), 'sprigref'),
      files: ['go.mod', 'go.sum', 'main.go'],
      description: 'Go text/template + Sprig v3.3.0 reference',
      perGoVersion: true,
    });
    return new SprigRef(path, tz);
  }

  /** run executes `tpl` with `data` (decoded as Helm decodes values: every number a float64). */
  async run(tpl: string, data?: unknown): Promise<SprigRefResult> {
    const r = await this.process.ask({ tpl, data });
    return r.output !== undefined ? { output: Buffer.from(r.output, 'base64') } : { error: r.error ?? '' };
  }

  close(): void {
    this.process.close();
  }
}
