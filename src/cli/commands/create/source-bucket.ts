// `create source bucket`: a Bucket (source.toolkit.fluxcd.io/v1).
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, duration, objectMeta, oneOf, ref } from './common.ts';
import { addCommonFlags, boolArg, sliceArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';
import { secretObject } from './secret-common.ts';

const PROVIDERS = ['generic', 'aws', 'azure', 'gcp'] as const;

/** buildBucket builds the Bucket `flux create source bucket` would create. */
export function buildBucket(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const provider = o['provider'] === undefined ? 'generic' : oneOf('provider', str('provider'), PROVIDERS);
  if (str('bucketName') === '') throw new CreateInputError('bucket-name is required: set --bucket-name');
  if (str('endpoint') === '')
    throw new CreateInputError('endpoint is required: set --endpoint, e.g. --endpoint=minio.example.com');
  const meta = objectMeta(name, common);
  const spec: { [key: string]: YamlValue } = {
    bucketName: str('bucketName'),
    endpoint: str('endpoint'),
    interval: duration(common.interval),
    provider,
  };
  if (o['insecure'] === true) spec['insecure'] = true;
  if (str('region')) spec['region'] = str('region');
  const ignore = (o['ignorePaths'] as string[] | undefined) ?? [];
  if (ignore.length > 0) spec['ignore'] = ignore.join('\n');
  if (common.fetchTimeout !== undefined && common.fetchTimeout > 0n) spec['timeout'] = duration(common.fetchTimeout);
  if (str('secretRef')) spec['secretRef'] = ref(str('secretRef'));
  if (str('proxySecretRef')) spec['proxySecretRef'] = ref(str('proxySecretRef'));
  const bucket: KubeObject = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'Bucket', metadata: meta, spec };
  if (common.export || str('secretRef') || str('accessKey') === '' || str('secretKey') === '') return [bucket];
  // Applying (not exporting), flux first creates a Secret `bucket-<name>` with the keys and refers to it.
  spec['secretRef'] = ref(`bucket-${name}`);
  const secret = secretObject(`bucket-${name}`, common, { accesskey: str('accessKey'), secretkey: str('secretKey') });
  return [secret, bucket];
}

/** registerSourceBucket adds `create source bucket`. */
export function registerSourceBucket(source: Command, deps: CreateDeps): void {
  const cmd = source
    .command('bucket')
    .argument('[name]', 'name of the Bucket')
    .description('Create or update a Bucket source')
    .option('--provider <name>', 'the S3 compatible storage provider name (generic|aws|azure|gcp)')
    .option('--bucket-name <name>', 'the bucket name')
    .option('--endpoint <address>', 'the bucket endpoint address')
    .option('--access-key <key>', 'the bucket access key')
    .option('--secret-key <key>', 'the bucket secret key')
    .option('--region <region>', 'the bucket region')
    .option('--insecure [bool]', 'connect to a non-TLS S3 HTTP endpoint', boolArg)
    .option('--secret-ref <name>', 'the name of an existing secret containing credentials')
    .option('--proxy-secret-ref <name>', 'the name of an existing secret containing the proxy address and credentials')
    .option('--ignore-paths <paths>', 'paths to ignore in the bucket (comma-separated, repeatable)', sliceArg);
  addCommonFlags(cmd, { source: true })
    .addHelpText(
      'after',
      `
Examples:
  # Print a Bucket on a MinIO endpoint, credentials from an existing Secret
  fluxts create source bucket manifests --bucket-name=manifests --endpoint=minio.example.com \\
    --secret-ref=minio-credentials --export

  # An AWS S3 bucket with IAM credentials, checked every 10 minutes
  fluxts create source bucket manifests --provider=aws --bucket-name=manifests \\
    --endpoint=s3.amazonaws.com --region=eu-west-1 --interval=10m --export`,
    )
    .action(createAction(deps, buildBucket));
}
