// Reference CRDs for the differential test: controller-gen (the generator Flux itself uses) run over the Flux API Go
// modules that flux v2.9.5 pins. Both come through the Go module proxy as ordinary Go modules; nothing is vendored.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'yaml';

import type { CustomResourceDefinition } from '../../src/api/index.ts';
import { goEnvironment, goInstall, runGo, stderrProgress } from '../../src/devcluster/go-build.ts';

/** CONTROLLER_GEN is the controller-tools release that generated Flux 2.9's CRDs (their version annotation). */
const CONTROLLER_GEN = {
  pkg: 'sigs.k8s.io/controller-tools/cmd/controller-gen',
  version: 'v0.21.0',
  binary: 'controller-gen',
};

/** FLUX_API_MODULES are the API modules (and their packages) required by flux v2.9.5's go.mod. */
const FLUX_API_MODULES: { module: string; version: string; packages: string[] }[] = [
  { module: 'github.com/fluxcd/source-controller/api', version: 'v1.9.5', packages: ['v1'] },
  { module: 'github.com/fluxcd/kustomize-controller/api', version: 'v1.9.5', packages: ['v1'] },
  { module: 'github.com/fluxcd/helm-controller/api', version: 'v1.6.4', packages: ['v2'] },
  { module: 'github.com/fluxcd/notification-controller/api', version: 'v1.9.4', packages: ['v1', 'v1beta3'] },
  { module: 'github.com/fluxcd/image-reflector-controller/api', version: 'v1.2.5', packages: ['v1'] },
  { module: 'github.com/fluxcd/image-automation-controller/api', version: 'v1.2.5', packages: ['v1'] },
  { module: 'github.com/fluxcd/source-watcher/api/v2', version: 'v2.2.4', packages: ['v1beta1'] },
];

function run(file: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env: goEnvironment(), maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err === null) resolve();
      else reject(new Error(`${file} ${args.join(' ')} failed: ${stderr}`, { cause: err }));
    });
  });
}

/** upstreamCrds builds controller-gen (cached), generates Flux's CRDs in a temp module and returns them by name. */
export async function upstreamCrds(): Promise<Map<string, CustomResourceDefinition>> {
  const controllerGen = await goInstall(CONTROLLER_GEN, stderrProgress);
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-upstream-crds-'));
  try {
    const packages = FLUX_API_MODULES.flatMap((m) => m.packages.map((p) => `${m.module}/${p}`));
    await writeFile(
      join(dir, 'go.mod'),
      `module fluxts.local/upstreamcrds\n\ngo 1.26\n\nrequire (\n${FLUX_API_MODULES.map((m) => `\t${m.module} ${m.version}\n`).join('')})\n`,
    );
    await writeFile(
      join(dir, 'imports.go'),
      `package upstreamcrds\n\nimport (\n${packages.map((p) => `\t_ "${p}"\n`).join('')})\n`,
    );
    await runGo(['mod', 'tidy'], { cwd: dir, label: 'go mod tidy (Flux API modules)', progress: stderrProgress });
    await run(controllerGen, ['crd', ...packages.map((p) => `paths=${p}`), 'output:crd:dir=out'], dir);
    const out = new Map<string, CustomResourceDefinition>();
    for (const file of (await readdir(join(dir, 'out'))).sort()) {
      const crd = parse(await readFile(join(dir, 'out', file), 'utf8')) as CustomResourceDefinition;
      out.set(crd.metadata.name, crd);
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
