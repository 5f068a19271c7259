// Public surface of the SigV4 engine: AWS request signing for the KMS/STS clients (sops) and S3 (Bucket).
export { sign, amzDate, uriEncode, uriEncodePath, EMPTY_SHA256, type AwsCredentials, type SignInput } from './sign.ts';
