import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import type { Command } from 'commander';

import {
  AgeKeyService,
  AgeRecipient,
  AwsKmsKeyService,
  AwsKmsRecipient,
  decrypt,
  encrypt,
  formatForPath,
  parseAgeIdentities,
  parseFormat,
  parseKmsArns,
  PgpKeyService,
  PgpRecipient,
  SopsError,
  SopsKeyError,
  type AwsCredentials,
  type Format,
  type KeyService,
  type Recipient,
  type Rules,
} from '../../engines/sops/index.ts';
import { awsKmsApi } from '../../fetchers/aws-kms/index.ts';

interface CommonOptions {
  inputType?: string;
}

interface EncryptCliOptions extends CommonOptions {
  age?: string;
  pgp?: string;
  kms?: string;
  encryptionContext?: string;
  awsProfile?: string;
  encryptedRegex?: string;
  unencryptedRegex?: string;
  encryptedSuffix?: string;
  unencryptedSuffix?: string;
  encryptedCommentRegex?: string;
  unencryptedCommentRegex?: string;
  macOnlyEncrypted?: boolean;
  output?: string;
  inPlace?: boolean;
}

interface DecryptCliOptions extends CommonOptions {
  pgpKey?: string[];
  outputType?: string;
  ignoreMac?: boolean;
}

const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function readInput(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new SopsError(`${file}: cannot be read`, { cause: err });
  }
}

/** pgpPublicKey loads a PGP recipient: an armored key file, or a fingerprint exported from the gpg keyring. */
function pgpPublicKey(spec: string): string {
  if (existsSync(spec)) return readFileSync(spec, 'utf8');
  if (/^[0-9A-Fa-f]{16,40}$/.test(spec)) {
    const r = spawnSync('gpg', ['--batch', '--armor', '--export', spec], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.includes('BEGIN PGP PUBLIC KEY BLOCK')) return r.stdout;
    throw new SopsKeyError(`PGP key ${spec}: not found in the gpg keyring`, {
      hint: 'pass an armored public key file instead, or import the key with `gpg --import`',
    });
  }
  throw new SopsKeyError(`PGP key ${spec}: neither a file nor a fingerprint`);
}

/**
 * ageKeyServices loads age identities the way sops does: `SOPS_AGE_KEY` (identities inline), `SOPS_AGE_KEY_FILE`,
 * and the default key file `$XDG_CONFIG_HOME/sops/age/keys.txt` (or `~/.config/sops/age/keys.txt`).
 */
function ageKeyServices(env: NodeJS.ProcessEnv): KeyService[] {
  const ids: string[] = [];
  if (env['SOPS_AGE_KEY']) ids.push(...parseAgeIdentities(env['SOPS_AGE_KEY']));
  const file = env['SOPS_AGE_KEY_FILE'];
  if (file) {
    try {
      ids.push(...parseAgeIdentities(readFileSync(file, 'utf8')));
    } catch (err) {
      throw new SopsKeyError(`SOPS_AGE_KEY_FILE ${file}: cannot be read`, { cause: err });
    }
  }
  const config = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  const def = join(config, 'sops', 'age', 'keys.txt');
  if (ids.length === 0 && existsSync(def)) ids.push(...parseAgeIdentities(readFileSync(def, 'utf8')));
  return ids.length > 0 ? [new AgeKeyService(ids)] : [];
}

/**
 * awsFromEnv reads what the AWS SDK reads for sops: static credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN) and endpoint overrides (AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL). Shared
 * config files, profiles and instance roles are not read.
 */
function awsFromEnv(env: NodeJS.ProcessEnv): { credentials: AwsCredentials; endpoint?: string; stsEndpoint?: string } {
  const credentials: AwsCredentials = {
    accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? '',
    secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? '',
  };
  if (env['AWS_SESSION_TOKEN']) credentials.sessionToken = env['AWS_SESSION_TOKEN'];
  const kms = env['AWS_ENDPOINT_URL_KMS'] || env['AWS_ENDPOINT_URL'];
  const sts = env['AWS_ENDPOINT_URL_STS'] || env['AWS_ENDPOINT_URL'];
  return { credentials, ...(kms ? { endpoint: kms } : {}), ...(sts ? { stsEndpoint: sts } : {}) };
}

/** parseEncryptionContext reads `k:v,k2:v2` as sops' ParseKMSContext does (a malformed pair drops the context). */
function parseEncryptionContext(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const kv = pair.split(':');
    if (kv.length !== 2) {
      process.stderr.write('Encryption context contains a non-string value, context will not be used\n');
      return undefined;
    }
    out[kv[0] ?? ''] = kv[1] ?? '';
  }
  return out;
}

function formatOf(file: string, inputType: string | undefined): Format {
  return inputType ? parseFormat(inputType) : formatForPath(file);
}

/** runEncrypt encrypts FILE to stdout, to --output, or in place. */
async function runEncrypt(file: string, opts: EncryptCliOptions): Promise<void> {
  const recipients: Recipient[] = list(opts.age).map((r) => new AgeRecipient(r));
  for (const spec of list(opts.pgp)) recipients.push(...(await PgpRecipient.fromArmored(pgpPublicKey(spec))));
  const context = parseEncryptionContext(opts.encryptionContext);
  for (const spec of parseKmsArns(opts.kms ?? '', context, opts.awsProfile)) {
    recipients.push(new AwsKmsRecipient(spec, awsKmsApi(awsFromEnv(process.env))));
  }
  if (recipients.length === 0) {
    throw new SopsKeyError(`${file}: no recipients given`, {
      hint: 'pass --age age1…, --pgp KEYFILE|FINGERPRINT and/or --kms ARN',
    });
  }
  const rules: Rules = {
    encryptedRegex: opts.encryptedRegex,
    unencryptedRegex: opts.unencryptedRegex,
    encryptedSuffix: opts.encryptedSuffix,
    unencryptedSuffix: opts.unencryptedSuffix,
    encryptedCommentRegex: opts.encryptedCommentRegex,
    unencryptedCommentRegex: opts.unencryptedCommentRegex,
    macOnlyEncrypted: opts.macOnlyEncrypted ?? false,
  };
  const out = await encrypt(readInput(file), { format: formatOf(file, opts.inputType), recipients, rules });
  const target = opts.inPlace ? file : opts.output;
  if (!target) {
    process.stdout.write(out);
    return;
  }
  // Write beside the target and rename, so an interrupted run never leaves a half-written file.
  const tmp = join(dirname(target), `.${Date.now()}.fluxts-sops.tmp`);
  writeFileSync(tmp, out, { mode: 0o600 });
  renameSync(tmp, target);
}

/** runDecrypt decrypts FILE to stdout only: decrypted data is never written to disk by fluxts. */
async function runDecrypt(file: string, opts: DecryptCliOptions): Promise<void> {
  const keys = ageKeyServices(process.env);
  if (process.env['AWS_ACCESS_KEY_ID']) keys.push(new AwsKmsKeyService(awsKmsApi(awsFromEnv(process.env))));
  const pgpFiles = opts.pgpKey ?? [];
  if (pgpFiles.length > 0) {
    keys.push(
      new PgpKeyService(
        pgpFiles.map((f) => {
          try {
            return readFileSync(f, 'utf8');
          } catch (err) {
            throw new SopsKeyError(`PGP private key file ${f}: cannot be read`, { cause: err });
          }
        }),
      ),
    );
  }
  try {
    const format = formatOf(file, opts.inputType);
    const outputFormat = opts.outputType ? parseFormat(opts.outputType) : format;
    process.stdout.write(
      await decrypt(readInput(file), { format, outputFormat, keys, verifyMac: opts.ignoreMac !== true }),
    );
  } catch (err) {
    if (err instanceof SopsError) throw new SopsError(`${file}: ${err.message}`, { cause: err, hint: err.hint });
    throw err;
  }
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** registerSopsCommand adds `fluxts sops encrypt FILE` and `fluxts sops decrypt FILE`, modelled on the sops CLI. */
export function registerSopsCommand(program: Command): void {
  const sops = program
    .command('sops')
    .description('encrypt and decrypt secrets exactly as the sops CLI does (age, PGP and AWS KMS keys)');
  sops
    .command('encrypt')
    .description('encrypt FILE (YAML, JSON, dotenv, INI or binary, chosen by extension) for age, PGP and/or KMS keys')
    .argument('<file>', 'plaintext file to encrypt')
    .option('--age <recipients>', 'comma-separated age recipients (age1…)')
    .option('--pgp <keys>', 'comma-separated PGP public keys: armored key files or fingerprints in the gpg keyring')
    .option('--kms <arns>', 'comma-separated AWS KMS key ARNs, each optionally +arn:aws:iam::…:role/… to assume')
    .option('--encryption-context <pairs>', 'AWS KMS encryption context: comma-separated key:value pairs')
    .option('--aws-profile <name>', 'AWS profile recorded with the KMS keys (fluxts reads credentials from env)')
    .option('--encrypted-regex <regex>', 'encrypt only values whose key path matches (Go RE2 syntax)')
    .option('--unencrypted-regex <regex>', 'leave values whose key path matches in cleartext')
    .option('--encrypted-suffix <suffix>', 'encrypt only values under keys ending with this suffix')
    .option('--unencrypted-suffix <suffix>', 'leave values under keys ending with this suffix in cleartext')
    .option('--encrypted-comment-regex <regex>', 'encrypt only values preceded by a comment that matches')
    .option('--unencrypted-comment-regex <regex>', 'leave values preceded by a matching comment in cleartext')
    .option('--mac-only-encrypted', 'compute the MAC over encrypted values only')
    .option('--input-type <format>', 'yaml, json, dotenv, ini or binary (default: from the file extension)')
    .option('--output <file>', 'write the encrypted document to this file instead of stdout')
    .option('-i, --in-place', 'replace FILE with its encrypted version')
    .addHelpText(
      'after',
      `
Examples:
  fluxts sops encrypt --age age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p secret.yaml > secret.enc.yaml
  fluxts sops encrypt --age age1… --encrypted-regex '^(data|stringData)$' -i secret.yaml
  fluxts sops encrypt --pgp 1E2F3A…FINGERPRINT,./team.asc app.env > app.enc.env
  AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… fluxts sops encrypt \\
    --kms arn:aws:kms:eu-west-1:111122223333:key/… --encryption-context app:web secret.yaml`,
    )
    .action((file: string, opts: EncryptCliOptions) => runEncrypt(file, opts));
  sops
    .command('decrypt')
    .description('decrypt FILE to stdout; age identities come from SOPS_AGE_KEY / SOPS_AGE_KEY_FILE as for sops')
    .argument('<file>', 'sops-encrypted file')
    .option('--pgp-key <file>', 'armored PGP private key file (repeatable)', collect)
    .option('--input-type <format>', 'yaml, json, dotenv, ini or binary (default: from the file extension)')
    .option('--output-type <format>', 'print the plaintext in another format (default: the input format)')
    .option('--ignore-mac', 'do not check the MAC (values are still authenticated one by one)')
    .addHelpText(
      'after',
      `
Age identities are read from SOPS_AGE_KEY (inline), SOPS_AGE_KEY_FILE, or ~/.config/sops/age/keys.txt.
AWS KMS keys use AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_ENDPOINT_URL(_KMS).
The decrypted document is printed to stdout only; fluxts never writes decrypted data to disk.

Examples:
  SOPS_AGE_KEY_FILE=~/.age/key.txt fluxts sops decrypt secret.enc.yaml
  fluxts sops decrypt --pgp-key private.asc app.enc.env`,
    )
    .action((file: string, opts: DecryptCliOptions) => runDecrypt(file, opts));
}

// Run standalone (`node src/cli/commands/sops.ts encrypt|decrypt …`) until the command is wired into main.ts;
// the differential tests use this entry.
if (import.meta.main) {
  const { Command, CommanderError } = await import('commander');
  const program = new Command('fluxts').exitOverride();
  registerSopsCommand(program);
  try {
    await program.parseAsync(['sops', ...process.argv.slice(2)], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) process.exitCode = err.exitCode;
    else {
      process.stderr.write(`✗ ${err instanceof Error ? err.message : String(err)}\n`);
      if (err instanceof SopsError && err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
      process.exitCode = 1;
    }
  }
}
