// The image controllers' descriptors (controllers/registry.ts): image-reflector-controller (ImageRepository,
// ImagePolicy; its tag store under --storage-path) and image-automation-controller (ImageUpdateAutomation).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { Option } from 'commander';

import type { ControllerDescriptor, FlagValues } from '../registry.ts';

interface ReflectorFlags {
  storagePath?: string;
  crossNamespaceRefs?: boolean;
}

/** imageReflectorControllerDescriptor: scans image repositories into its tag store under /data. */
export const imageReflectorControllerDescriptor: ControllerDescriptor = {
  name: 'image-reflector-controller',
  kinds: ['ImageRepository', 'ImagePolicy'],
  flags: () => [
    // Shared with source-controller (registered once there, with the same default).
    new Option('--storage-path <path>', 'The local storage path.').env('STORAGE_PATH').default('/data'),
    new Option(
      '--no-cross-namespace-refs',
      'When set, references between objects are only allowed within one namespace.',
    ),
  ],
  rbac: { clusterAdmin: false },
  install: { default: false, storage: true, args: () => ['--storage-path=/data'] },
  devArgs: (stateDir) => [`--storage-path=${join(stateDir, 'storage')}`],
  run: async (values: FlagValues) => {
    const f = values as ReflectorFlags;
    const [{ imageReflectorController }, { TagStore }] = await Promise.all([
      import('./reflector-setup.ts'),
      import('./tagstore.ts'),
    ]);
    const root = f.storagePath ?? '/data';
    await mkdir(root, { recursive: true });
    return {
      setups: [
        imageReflectorController({ store: new TagStore(root), noCrossNamespaceRefs: f.crossNamespaceRefs === false }),
      ],
      close: () => Promise.resolve(),
    };
  },
};

interface AutomationFlags {
  crossNamespaceRefs?: boolean;
}

/** imageAutomationControllerDescriptor: commits the ImagePolicies' results back to Git; no storage of its own. */
export const imageAutomationControllerDescriptor: ControllerDescriptor = {
  name: 'image-automation-controller',
  kinds: ['ImageUpdateAutomation'],
  flags: () => [
    new Option(
      '--no-cross-namespace-refs',
      'When set, references between objects are only allowed within one namespace.',
    ),
  ],
  rbac: { clusterAdmin: false },
  install: { default: false },
  devArgs: () => [],
  run: async (values: FlagValues) => {
    const f = values as AutomationFlags;
    const { imageAutomationController } = await import('./automation-setup.ts');
    return {
      setups: [imageAutomationController({ noCrossNamespaceRefs: f.crossNamespaceRefs === false })],
      close: () => Promise.resolve(),
    };
  },
};
