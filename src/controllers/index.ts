// Public surface of controllers/: the registry of Flux controllers (registry.ts says what a descriptor holds,
// README.md how to add one). The CLI derives `fluxts controller`, `install`, `check`, `dev` and shell completion
// from CONTROLLERS; adding a controller edits no CLI file.
import type { Command } from 'commander';

import { FluxtsError } from '../util/errors.ts';

import { kustomizeControllerDescriptor } from './kustomize/index.ts';
import { notificationControllerDescriptor } from './notification/index.ts';
import { imageAutomationControllerDescriptor, imageReflectorControllerDescriptor } from './image/index.ts';
import { helmControllerDescriptor } from './helm/index.ts';
import type { ControllerDescriptor, ControllerServices, FlagValues } from './registry.ts';
// HelmRelease values as helm-controller composes them: `fluxts debug helmrelease` and `build helmrelease` use them.
export { composeValues, kubeValuesReader, type ValuesReference } from './helm/index.ts';
import { sourceControllerDescriptor } from './source/index.ts';
import { sourceWatcherDescriptor } from './sourcewatcher/index.ts';

export type {
  ContainerPort,
  ControllerDescriptor,
  ControllerServices,
  FlagValues,
  InstallContext,
  InstallPieces,
  Rbac,
} from './registry.ts';

/** CONTROLLERS lists Flux's components in Flux's order: the default ones, then the extra ones. */
export const CONTROLLERS: readonly ControllerDescriptor[] = [
  sourceControllerDescriptor,
  kustomizeControllerDescriptor,
  helmControllerDescriptor,
  notificationControllerDescriptor,
  imageReflectorControllerDescriptor,
  imageAutomationControllerDescriptor,
  sourceWatcherDescriptor,
];

/** UnknownControllerError: a name that is not a Flux component, or one fluxts cannot run yet. */
export class UnknownControllerError extends FluxtsError {}

/** findController returns the descriptor of a component name, or undefined. */
export function findController(name: string): ControllerDescriptor | undefined {
  return CONTROLLERS.find((c) => c.name === name);
}

/** runnableControllers are the components fluxts implements, in registry order. */
export function runnableControllers(): ControllerDescriptor[] {
  return CONTROLLERS.filter((c) => c.run !== undefined);
}

/** controllerOf returns the component that reconciles a kind (its CRD is installed with it). */
export function controllerOf(kind: string): ControllerDescriptor | undefined {
  return CONTROLLERS.find((c) => (c.kinds as readonly string[]).includes(kind));
}

/**
 * registerControllerOptions adds the own flags of the given controllers (default: all runnable ones) to a command,
 * each long flag once (two controllers may share one, as Flux's do).
 */
export function registerControllerOptions(cmd: Command, controllers = runnableControllers()): Command {
  const seen = new Set(cmd.options.map((o) => o.long));
  for (const controller of controllers) {
    for (const option of controller.flags?.() ?? []) {
      if (seen.has(option.long)) continue;
      seen.add(option.long);
      cmd.addOption(option);
    }
  }
  return cmd;
}

/**
 * selectControllers resolves `fluxts controller` names (`all` is every runnable one); throws UnknownControllerError
 * naming what is available.
 */
export function selectControllers(names: readonly string[]): ControllerDescriptor[] {
  const runnable = runnableControllers();
  if (names.includes('all')) return runnable;
  const available = [...runnable.map((c) => c.name), 'all'].join(', ');
  return names.map((name) => {
    const found = findController(name);
    if (!found) throw new UnknownControllerError(`unknown controller "${name}"; available: ${available}`);
    if (!found.run) {
      throw new UnknownControllerError(`${name} is not implemented by fluxts yet; available: ${available}`);
    }
    return found;
  });
}

/**
 * startControllers runs the selected controllers' `run` with the parsed flags and gathers their setups; if one
 * fails to start, those already started are closed.
 */
export async function startControllers(
  selected: readonly ControllerDescriptor[],
  values: FlagValues,
): Promise<ControllerServices> {
  const started: ControllerServices[] = [];
  const close = async (): Promise<void> => {
    for (const s of started.reverse()) await s.close();
  };
  try {
    for (const controller of selected) {
      if (!controller.run) throw new UnknownControllerError(`${controller.name} is not implemented by fluxts yet`);
      started.push(await controller.run(values));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { setups: started.flatMap((s) => s.setups), close };
}
