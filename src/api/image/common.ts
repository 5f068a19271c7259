// What the image kinds (image.toolkit.fluxcd.io/v1) share.
import { kindFamily } from '../crd.ts';

const IMAGE_GROUP = 'image.toolkit.fluxcd.io';
const IMAGE_CATEGORIES = ['all', 'fluxcd', 'fluxcd-images'];

/** defineReflectorKind defines an image kind owned by image-reflector-controller (ImageRepository, ImagePolicy). */
export const defineReflectorKind = kindFamily({
  group: IMAGE_GROUP,
  version: 'v1',
  categories: IMAGE_CATEGORIES,
  controller: 'image-reflector-controller',
});

/** defineAutomationKind defines an image kind owned by image-automation-controller (ImageUpdateAutomation). */
export const defineAutomationKind = kindFamily({
  group: IMAGE_GROUP,
  version: 'v1',
  categories: IMAGE_CATEGORIES,
  controller: 'image-automation-controller',
});
