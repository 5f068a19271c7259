// `node scripts/gen-kustomize-config.ts [--out FILE]`
//
// Writes kustomize's built-in transformer configuration (the field-spec tables of its name prefix, namespace,
// labels, annotations, name reference, var reference, images and replicas transformers), exactly as kustomize's
// builtinconfig.MakeDefaultConfig() returns it (sorted as kustomize sorts it), to
// src/engines/kustomize/tables/transformer-config.json. The tables are facts of kustomize's behaviour; the JSON
// records the module and version it was read from. Re-run after bumping the reference kustomize.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { format, resolveConfig } from 'prettier';

import { copyApiModule, go, KUSTOMIZE_API } from './kustomize/api-module.ts';

const PROGRAM = `package main

import (
	"encoding/json"
	"os"

	"sigs.k8s.io/kustomize/api/internal/plugins/builtinconfig"
)

func main() {
	_ = json.NewEncoder(os.Stdout).Encode(builtinconfig.MakeDefaultConfig())
}
`;

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out =
  values.out ?? join(import.meta.dirname, '..', 'src', 'engines', 'kustomize', 'tables', 'transformer-config.json');
const copy = copyApiModule();
// The program lives inside the module so that it may import kustomize's internal packages.
mkdirSync(join(copy, 'cmd', 'fluxts-defaults'), { recursive: true });
writeFileSync(join(copy, 'cmd', 'fluxts-defaults', 'main.go'), PROGRAM);
const run = go(['run', './cmd/fluxts-defaults'], copy);
if (run.status !== 0) throw new Error(`go run failed:\n${run.out}`);
const tables = JSON.parse(run.out) as Record<string, unknown>;
const doc = {
  source: `${KUSTOMIZE_API.module}@${KUSTOMIZE_API.version} builtinconfig.MakeDefaultConfig()`,
  generator: 'scripts/gen-kustomize-config.ts',
  ...tables,
};
const text = await format(JSON.stringify(doc), { ...(await resolveConfig(out)), filepath: out });
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, text);
console.log(`wrote ${out}`);
