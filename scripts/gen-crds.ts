// `node scripts/gen-crds.ts [FILE]`: writes the CRDs of every Flux kind as one multi-document YAML (stdout by default).
import { writeFileSync } from 'node:fs';
import { crdsYaml } from '../src/api/index.ts';

const target = process.argv[2];
if (target === undefined) process.stdout.write(crdsYaml());
else writeFileSync(target, crdsYaml());
