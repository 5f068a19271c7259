// The one shape every create command runs in: validate the name, build the objects as plain data, then print them
// (`--export`) or hand them to the apply callback.
import type { Command } from 'commander';

import { CreateInputError, exportYaml, validateName } from './common.ts';
import { commonFlags } from './flags.ts';
import type { ApplyFn, CommonFlags, KubeObject } from './common.ts';
import { marshalSigsYaml as marshalYaml } from '../../../engines/goyaml/index.ts';

/** ExportStyle: objects print trimmed after `---`; flux prints Secrets from a manifest string instead. */
export type ExportStyle = 'object' | 'secret' | 'secret-no-newline';

/** Builder builds a command's objects from its name, the shared flags and the command's own options. */
export type Builder = (
  name: string,
  common: CommonFlags,
  opts: Record<string, unknown>,
) => KubeObject[] | Promise<KubeObject[]>;

/** CreateDeps are what the create commands need from the rest of the CLI. */
export interface CreateDeps {
  /** apply is called without `--export`; when absent the command fails and says so. */
  apply?: ApplyFn;
  /** write prints to stdout; tests may replace it. */
  write?: (text: string) => void;
}

/** renderExport prints objects exactly as `flux create … --export` does for the given style. */
export function renderExport(objects: KubeObject[], style: ExportStyle): string {
  return objects
    .map((o) => {
      if (style === 'object') return exportYaml(o);
      const content = `---\n${marshalYaml(o)}`;
      return style === 'secret' ? `${content}\n` : content;
    })
    .join('');
}

/** createAction wires a builder into a commander action. */
export function createAction(
  deps: CreateDeps,
  build: Builder,
  style: ExportStyle = 'object',
  preface?: (opts: Record<string, unknown>) => string,
) {
  return async (name: string | undefined, opts: Record<string, unknown>, cmd: Command): Promise<void> => {
    const objName = validateName(name);
    const common = commonFlags(opts, cmd);
    const objects = await build(objName, common, opts);
    if (common.export) {
      (deps.write ?? ((t: string) => process.stdout.write(t)))((preface?.(opts) ?? '') + renderExport(objects, style));
      return;
    }
    if (!deps.apply) {
      throw new CreateInputError(
        'applying to a cluster is not wired into fluxts create yet: rerun with --export to print the YAML, then apply it with kubectl apply -f -',
      );
    }
    await deps.apply(objects, {
      namespace: common.namespace,
      kubeconfig: common.kubeconfig,
      context: common.context,
      kubeFlags: common.kubeFlags,
      timeoutNs: common.timeout,
      command: commandPath(cmd),
    });
  };
}

/** commandPath is the sub-command path below `create`: ['source', 'git'] for `create source git`. */
function commandPath(cmd: Command): string[] {
  const path: string[] = [];
  for (let c: Command | null = cmd; c && c.name() !== 'create'; c = c.parent) path.unshift(c.name());
  return path;
}
