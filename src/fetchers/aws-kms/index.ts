// Public surface of fetchers/aws-kms: AWS KMS for the sops engine's `kms` keys (the engine stays free of I/O).
export { awsKmsApi, stsSessionName, type AwsKmsOptions } from './client.ts';
