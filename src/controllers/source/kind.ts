import {
  BucketKind,
  GitRepositoryKind,
  HelmChartKind,
  HelmRepositoryKind,
  OCIRepositoryKind,
} from '../../api/index.ts';

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

/** helmRepositoryType addresses the HelmRepository kind. */
export const helmRepositoryType = {
  apiVersion: `${HelmRepositoryKind.group}/${HelmRepositoryKind.version}`,
  kind: HelmRepositoryKind.kind,
};

/** helmChartType addresses the HelmChart kind. */
export const helmChartType = {
  apiVersion: `${HelmChartKind.group}/${HelmChartKind.version}`,
  kind: HelmChartKind.kind,
};

/** bucketType addresses the Bucket kind. */
export const bucketType = {
  apiVersion: `${BucketKind.group}/${BucketKind.version}`,
  kind: BucketKind.kind,
};
