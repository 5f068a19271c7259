import { ImagePolicyKind, ImageRepositoryKind, ImageUpdateAutomationKind } from '../../api/index.ts';

const typeOf = (k: { group: string; version: string; kind: string }) => ({
  apiVersion: `${k.group}/${k.version}`,
  kind: k.kind,
});

/** imageRepositoryType addresses the ImageRepository kind. */
export const imageRepositoryType = typeOf(ImageRepositoryKind);
/** imagePolicyType addresses the ImagePolicy kind. */
export const imagePolicyType = typeOf(ImagePolicyKind);
/** imageUpdateAutomationType addresses the ImageUpdateAutomation kind. */
export const imageUpdateAutomationType = typeOf(ImageUpdateAutomationKind);
