// GitRepository (source.toolkit.fluxcd.io/v1): a Git repository reference turned into an artifact.
import { type ObjectOfKind } from '../crd.ts';
import { artifact, interval, localObjectReference, suspend } from '../meta.ts';
import { s, type Infer } from '../schema/dsl.ts';
import { defineSourceKind, ignore, observedIgnore, sourceStatus, sourceTimeout, urlColumns } from './common.ts';

/** gitRepositoryRef selects what to check out; precedence commit > name > semver > tag > branch. */
export const gitRepositoryRef = s.object(
  {
    branch: s.string({ description: 'Branch to check out; master when nothing else is set.' }).optional(),
    tag: s.string({ description: 'Tag to check out; wins over branch.' }).optional(),
    semver: s.string({ description: 'Semver range over tags; wins over tag.' }).optional(),
    name: s.string({ description: 'Full Git reference, e.g. refs/heads/main; wins over semver.' }).optional(),
    commit: s.string({ description: 'Commit SHA; wins over all others, may be combined with branch.' }).optional(),
  },
  { description: 'Git reference to check out and watch.' },
);
/** GitRepositoryRef is spec.ref of a GitRepository. */
export type GitRepositoryRef = Infer<typeof gitRepositoryRef>;

const include = s.object({
  repository: localObjectReference.describe('GitRepository whose artifact is included.'),
  fromPath: s.string({ description: 'Path in the included artifact to copy; its root when empty.' }).optional(),
  toPath: s.string({ description: 'Destination path; the repository name when empty.' }).optional(),
});

const spec = s.object(
  {
    url: s.string({ pattern: '^(http|https|ssh)://.*$', description: 'Repository URL (http, https or ssh).' }),
    secretRef: localObjectReference.describe('Secret with HTTPS or SSH credentials.').optional(),
    provider: s
      .enum(['generic', 'aws', 'azure', 'github'], { description: 'Authentication provider; generic when empty.' })
      .optional(),
    serviceAccountName: s
      .string({ description: 'ServiceAccount for workload identity (aws and azure providers).' })
      .optional(),
    interval,
    timeout: sourceTimeout('Git operations').optional(),
    ref: gitRepositoryRef.optional(),
    verify: s
      .object(
        {
          mode: s
            .enum(['head', 'HEAD', 'Tag', 'TagAndHEAD'], {
              default: 'HEAD',
              description: 'Which Git objects to verify.',
            })
            .optional(),
          secretRef: localObjectReference.describe('Secret with trusted PGP (.asc) or SSH (.sshpub) public keys.'),
        },
        { description: 'Commit or tag signature verification.' },
      )
      .optional(),
    proxySecretRef: localObjectReference.describe('Secret with proxy address and credentials.').optional(),
    ignore,
    suspend,
    recurseSubmodules: s.boolean({ description: 'Initialise submodules after cloning.' }).optional(),
    include: s.array(include, { description: 'Artifacts of other GitRepositories to include.' }).optional(),
    sparseCheckout: s.array(s.string(), { description: 'Directories to check out; all when empty.' }).optional(),
  },
  {
    description: 'Desired state of a GitRepository.',
    validations: [
      {
        rule: "!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))",
        message: "serviceAccountName can only be set when provider is 'azure' or 'aws'",
      },
    ],
  },
);

const status = sourceStatus('Observed state of a GitRepository.', {
  includedArtifacts: s.array(artifact, { description: 'Artifacts included in the last artifact.' }).optional(),
  observedIgnore,
  observedRecurseSubmodules: s.boolean({ description: 'Submodule setting used for the current artifact.' }).optional(),
  observedInclude: s.array(include, { description: 'Includes used for the current artifact.' }).optional(),
  observedSparseCheckout: s
    .array(s.string(), { description: 'Sparse checkout used for the current artifact.' })
    .optional(),
  sourceVerificationMode: s.string({ description: 'Verification mode last applied.' }).optional(),
});

/** GitRepositoryKind defines the GitRepository kind and CRD. */
export const GitRepositoryKind = defineSourceKind({
  kind: 'GitRepository',
  plural: 'gitrepositories',
  shortNames: ['gitrepo'],
  description: 'GitRepository produces an artifact from a Git repository.',
  printerColumns: urlColumns,
  spec,
  status,
});
/** GitRepository is a GitRepository object. */
export type GitRepository = ObjectOfKind<typeof GitRepositoryKind>;
