import { GitRepositoryKind, OCIRepositoryKind } from '../../api/index.ts';

/** gitRepositoryType addresses the GitRepository kind. */
export const gitRepositoryType = {
  apiVersion: `${GitRepositoryKind.group}/${GitRepositoryKind.version}`,
  kind: GitRepositoryKind.kind,
};

/** ociRepositoryType addresses the OCIRepository kind. */
export const ociRepositoryType = {
  apiVersion: `${OCIRepositoryKind.group}/${OCIRepositoryKind.version}`,
  kind: OCIRepositoryKind.kind,
};
