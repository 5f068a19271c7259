// `fluxts push|pull|tag|list artifact(s)`: Flux's OCI artifacts in a registry, with flux v2.9's flags and lines.
// Credentials come from `--creds user[:password]`, else from the docker config (`$DOCKER_CONFIG/config.json`,
// default `~/.docker/config.json`), as the flux CLI's keychain reads them.
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

import { Command, Option } from 'commander';
import { stringify } from 'yaml';

import { buildArtifactLayer, DEFAULT_PUSH_IGNORE, extractTarGz } from '../../artifacts/index.ts';
import {
  Annotation,
  DockerConfigKeychain,
  fetchFluxManifest,
  parseOCIUrl,
  pushFluxArtifact,
  RegistryClient,
  staticKeychain,
  type Keychain,
  type Reference,
} from '../../fetchers/oci/index.ts';
import { parseDuration } from '../../runtime/index.ts';
import { CliInputError } from '../shared/errors.ts';
import { renderTable } from '../shared/table.ts';
import { Logger, processOutput } from '../shared/terminal.ts';

/** ArtifactFlags are the registry flags every artifact command shares. */
interface RegistryFlags {
  creds?: string;
  provider?: string;
  insecureRegistry?: boolean;
  timeout?: string;
}

function sliceArg(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((v) => v !== '')];
}

function addRegistryFlags(cmd: Command): Command {
  return cmd
    .option(
      '--creds <creds>',
      'credentials for OCI registry in the format <username>[:<password>] if --provider is generic',
    )
    .addOption(
      new Option('--provider <provider>', 'the OCI provider name')
        .choices(['generic', 'aws', 'azure', 'gcp'])
        .default('generic'),
    )
    .option('--insecure-registry', 'allows artifacts to be pushed without TLS')
    .option('--timeout <duration>', 'timeout for this operation', '5m0s');
}

/** dockerKeychain reads the user's docker config, as the flux CLI does through go-containerregistry. */
function dockerKeychain(): Keychain | undefined {
  const file = join(process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker'), 'config.json');
  if (!existsSync(file)) return undefined;
  return new DockerConfigKeychain().add(readFileSync(file, 'utf8'), file);
}

/** registryClient makes the client for a reference from the shared flags; the caller closes it. */
function registryClient(ref: Reference, flags: RegistryFlags, log: Logger): RegistryClient {
  if (flags.provider && flags.provider !== 'generic') {
    throw new CliInputError(
      `provider not supported: '${flags.provider}' needs cloud credentials fluxts does not support yet; use --creds or a docker config`,
    );
  }
  let keychain = dockerKeychain();
  if (flags.creds) {
    log.action('logging in to registry with credentials');
    const colon = flags.creds.indexOf(':');
    const username = colon === -1 ? flags.creds : flags.creds.slice(0, colon);
    const password = colon === -1 ? '' : flags.creds.slice(colon + 1);
    keychain = staticKeychain(ref.registry, { username, password });
  }
  return new RegistryClient({
    registry: ref.registry,
    ...(keychain ? { keychain } : {}),
    insecure: flags.insecureRegistry === true,
    userAgent: 'fluxts',
  });
}

function signalOf(flags: RegistryFlags): AbortSignal {
  return AbortSignal.timeout(parseDuration(flags.timeout ?? '5m0s'));
}

function parseArtifactUrl(url: string | undefined): Reference {
  if (!url) throw new CliInputError('artifact URL is required');
  return parseOCIUrl(url, { allowRef: true });
}

function display(ref: Reference, tag?: string): string {
  return `${ref.registry}/${ref.repository}:${tag ?? ref.tag ?? 'latest'}`;
}

function parseAnnotations(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list ?? []) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new CliInputError(`invalid annotation '${a}': must be in the format <key>=<value>`);
    out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}

interface PushFlags extends RegistryFlags {
  path?: string;
  source?: string;
  revision?: string;
  ignorePaths?: string[];
  addIgnorePaths?: string[];
  annotations?: string[];
  output?: string;
  reproducible?: boolean;
}

async function pushArtifact(url: string | undefined, flags: PushFlags): Promise<void> {
  const o = processOutput();
  const log = new Logger(o);
  if (!flags.source) throw new CliInputError('--source is required');
  if (!flags.revision) throw new CliInputError('--revision is required');
  if (!flags.path) throw new CliInputError(`invalid path "${flags.path ?? ''}"`);
  const ref = parseArtifactUrl(url);
  const tag = ref.tag ?? 'latest';
  try {
    await stat(flags.path);
  } catch {
    throw new CliInputError(`invalid path '${flags.path}', must point to an existing directory or file`);
  }
  const annotations = parseAnnotations(flags.annotations);
  const client = registryClient(ref, flags, log);
  const work = await mkdtemp(join(tmpdir(), 'fluxts-push-'));
  try {
    if (!flags.output) log.action(`pushing artifact to ${display(ref, tag)}`);
    const ignore = [...(flags.ignorePaths ?? DEFAULT_PUSH_IGNORE), ...(flags.addIgnorePaths ?? [])];
    const layerFile = join(work, 'artifact.tgz');
    const layer = await buildArtifactLayer(flags.path, layerFile, ignore);
    const pushed = await pushFluxArtifact(
      client,
      ref.repository,
      tag,
      layerFile,
      layer,
      {
        source: flags.source,
        revision: flags.revision,
        ...(flags.reproducible ? { created: '1970-01-01T00:00:00Z' } : {}),
        annotations,
      },
      { signal: signalOf(flags) },
    );
    const digestUrl = `${ref.registry}/${ref.repository}@${pushed.digest}`;
    const info = {
      url: `oci://${digestUrl}`,
      repository: `${ref.registry}/${ref.repository}`,
      tag,
      digest: pushed.digest,
    };
    if (flags.output === 'json') o.out(`${JSON.stringify(info, null, 2)}\n`);
    else if (flags.output === 'yaml')
      o.out(stringify({ digest: info.digest, repository: info.repository, tag: info.tag, url: info.url }));
    else log.success(`artifact successfully pushed to ${digestUrl}`);
  } finally {
    client.close();
    await rm(work, { recursive: true, force: true });
  }
}

interface PullFlags extends RegistryFlags {
  output?: string;
}

async function pullArtifact(url: string | undefined, flags: PullFlags): Promise<void> {
  const log = new Logger(processOutput());
  if (!flags.output) throw new CliInputError('invalid output path ""');
  const info = await stat(flags.output).catch(() => undefined);
  if (!info?.isDirectory()) throw new CliInputError(`invalid output path ${flags.output}`);
  const ref = parseArtifactUrl(url);
  const client = registryClient(ref, flags, log);
  const work = await mkdtemp(join(tmpdir(), 'fluxts-pull-'));
  try {
    log.action(
      `pulling artifact from ${ref.registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`}`,
    );
    const signal = signalOf(flags);
    const pulled = await fetchFluxManifest(client, ref.repository, ref.digest ?? ref.tag ?? 'latest', { signal });
    const file = join(work, 'layer.tgz');
    await client.downloadBlob(ref.repository, pulled.layer, file, { signal });
    const dir = await extractTarGz(file, { parentDir: work });
    await cp(dir, flags.output, { recursive: true, force: true });
    const a = pulled.manifest.annotations ?? {};
    log.success(`source ${a[Annotation.Source] ?? ''}`);
    log.success(`revision ${a[Annotation.Revision] ?? ''}`);
    log.success(`digest ${pulled.descriptor.digest}`);
    log.success(`artifact content extracted to ${flags.output}`);
  } finally {
    client.close();
    await rm(work, { recursive: true, force: true });
  }
}

async function tagArtifact(url: string | undefined, flags: RegistryFlags & { tag?: string[] }): Promise<void> {
  const log = new Logger(processOutput());
  const ref = parseArtifactUrl(url);
  if (!flags.tag || flags.tag.length === 0) throw new CliInputError('--tag is required');
  const client = registryClient(ref, flags, log);
  try {
    const signal = signalOf(flags);
    log.action('tagging artifact');
    const { bytes, descriptor } = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest', {
      signal,
    });
    for (const tag of flags.tag) {
      await client.putManifest(ref.repository, tag, bytes, descriptor.mediaType, { signal });
      log.success(`artifact tagged as ${ref.registry}/${ref.repository}:${tag}`);
    }
  } finally {
    client.close();
  }
}

async function listArtifacts(
  url: string | undefined,
  flags: RegistryFlags & { filterRegex?: string; filterSemver?: string },
): Promise<void> {
  const o = processOutput();
  const log = new Logger(o);
  const ref = parseArtifactUrl(url);
  const client = registryClient(ref, flags, log);
  try {
    const signal = signalOf(flags);
    let tags = (await client.listTags(ref.repository, { signal })).filter(
      (t) => !/^sha256-[a-f0-9]{64}(\.\w+)?$/u.test(t),
    );
    if (flags.filterRegex) {
      const re = new RegExp(flags.filterRegex, 'u');
      tags = tags.filter((t) => re.test(t));
    }
    if (flags.filterSemver) {
      const { parseConstraint, parseVersion } = await import('../../engines/semver-range/index.ts');
      const c = parseConstraint(flags.filterSemver);
      tags = tags.filter((t) => {
        try {
          return c.check(parseVersion(t));
        } catch {
          return false;
        }
      });
    }
    const rows: string[][] = [];
    for (const tag of tags) {
      const m = await fetchFluxManifest(client, ref.repository, tag, { signal });
      const a = m.manifest.annotations ?? {};
      rows.push([
        `${ref.registry}/${ref.repository}:${tag}`,
        m.descriptor.digest,
        a[Annotation.Source] ?? '',
        a[Annotation.Revision] ?? '',
      ]);
    }
    o.out(renderTable(['ARTIFACT', 'DIGEST', 'SOURCE', 'REVISION'], rows));
  } finally {
    client.close();
  }
}

/** registerArtifactCommands adds `push artifact`, `pull artifact`, `tag artifact` and `list artifacts`. */
export function registerArtifactCommands(program: Command): void {
  const push = program.command('push').description('Push artifacts to an OCI registry');
  addRegistryFlags(
    push
      .command('artifact')
      .argument('[url]', 'oci://<registry>/<repository>:<tag>')
      .description('Push artifact: a tarball of the given directory or single file, uploaded to an OCI repository')
      .option('--path <path>', 'path to the directory where the Kubernetes manifests are located')
      .option('--source <source>', 'the source address, e.g. the Git URL')
      .option('--revision <revision>', "the source revision in the format '<branch|tag>@sha1:<commit-sha>'")
      .option('--ignore-paths <paths>', 'set paths to ignore in .gitignore format', sliceArg)
      .option('--add-ignore-paths <paths>', 'additional paths to ignore in .gitignore format', sliceArg)
      .option('-a, --annotations <key=value>', 'set custom OCI annotations in the format <key>=<value>', sliceArg)
      .option(
        '-o, --output <format>',
        "the format in which the artifact digest should be printed, can be 'json' or 'yaml'",
      )
      .option('--reproducible', 'ensure reproducible image digests by setting the created timestamp to 1970-01-01'),
  ).action((url: string | undefined, flags: PushFlags) => pushArtifact(url, flags));

  const pull = program.command('pull').description('Pull artifacts from an OCI registry');
  addRegistryFlags(
    pull
      .command('artifact')
      .argument('[url]', 'oci://<registry>/<repository>:<tag>')
      .description('Pull artifact: download an OCI artifact and extract its content to a directory')
      .option('-o, --output <dir>', 'path where the artifact content should be extracted'),
  ).action((url: string | undefined, flags: PullFlags) => pullArtifact(url, flags));

  const tag = program.command('tag').description('Tag artifacts in an OCI registry');
  addRegistryFlags(
    tag
      .command('artifact')
      .argument('[url]', 'oci://<registry>/<repository>:<tag>')
      .description('Tag artifact: add tags to an existing OCI artifact')
      .option('--tag <tag>', 'tag name (repeatable)', sliceArg),
  ).action((url: string | undefined, flags: RegistryFlags & { tag?: string[] }) => tagArtifact(url, flags));

  const list = program.command('list').description('List artifacts in an OCI registry');
  addRegistryFlags(
    list
      .command('artifacts')
      .argument('[url]', 'oci://<registry>/<repository>')
      .description('List artifacts: the tags of an OCI repository with their digest, source and revision')
      .option('--filter-regex <regex>', 'filter tags returned from the OCI repository using regex')
      .option('--filter-semver <range>', 'filter tags returned from the OCI repository using semver'),
  ).action((url: string | undefined, flags: RegistryFlags & { filterRegex?: string; filterSemver?: string }) =>
    listArtifacts(url, flags),
  );
}

interface BuildFlags {
  path?: string;
  output?: string;
  ignorePaths?: string[];
  addIgnorePaths?: string[];
}

/** buildArtifactCommand is `build artifact`: the tarball `push artifact` would upload, written locally. */
export function buildArtifactCommand(): Command {
  return new Command('artifact')
    .description('Build artifact: a tarball of the given directory or single file, as push artifact makes it')
    .option('-p, --path <path>', 'path to the directory where the Kubernetes manifests are located')
    .option('-o, --output <file>', 'path to where the artifact tgz file should be written', 'artifact.tgz')
    .option('--ignore-paths <paths>', 'set paths to ignore in .gitignore format', sliceArg)
    .option('--add-ignore-paths <paths>', 'additional paths to ignore in .gitignore format', sliceArg)
    .action(async (flags: BuildFlags) => {
      const log = new Logger(processOutput());
      if (!flags.path) throw new CliInputError('invalid path ""');
      log.action(`building artifact from ${flags.path}`);
      const ignore = [...(flags.ignorePaths ?? DEFAULT_PUSH_IGNORE), ...(flags.addIgnorePaths ?? [])];
      await buildArtifactLayer(flags.path, flags.output ?? 'artifact.tgz', ignore);
      log.success(`artifact created at ${flags.output ?? 'artifact.tgz'}`);
    });
}

async function listFiles(root: string, rel = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of await listFiles(root, p)) out.set(k, v);
    else if (e.isFile()) out.set(p, await readFile(join(root, p)));
  }
  return out;
}

/**
 * diffArtifactCommand is `diff artifact`: compares the content of a remote artifact with a local directory
 * (built with the same ignore rules); exit 0 when equal, 1 with the differing paths otherwise.
 */
export function diffArtifactCommand(): Command {
  return addRegistryFlags(
    new Command('artifact')
      .argument('[url]', 'oci://<registry>/<repository>:<tag>')
      .description('Diff artifact: compare a remote OCI artifact with a local directory or file')
      .option('--path <path>', 'path to the directory or file containing the Kubernetes manifests')
      .option('--ignore-paths <paths>', 'set paths to ignore in .gitignore format', sliceArg)
      .option('--add-ignore-paths <paths>', 'additional paths to ignore in .gitignore format', sliceArg),
  ).action(async (url: string | undefined, flags: RegistryFlags & BuildFlags) => {
    const log = new Logger(processOutput());
    if (!flags.path) throw new CliInputError('invalid path ""');
    const ref = parseArtifactUrl(url);
    const client = registryClient(ref, flags, log);
    const work = await mkdtemp(join(tmpdir(), 'fluxts-diff-'));
    try {
      const ignore = [...(flags.ignorePaths ?? DEFAULT_PUSH_IGNORE), ...(flags.addIgnorePaths ?? [])];
      const local = join(work, 'local.tgz');
      await buildArtifactLayer(flags.path, local, ignore);
      const signal = signalOf(flags);
      const pulled = await fetchFluxManifest(client, ref.repository, ref.digest ?? ref.tag ?? 'latest', { signal });
      const remote = join(work, 'remote.tgz');
      await client.downloadBlob(ref.repository, pulled.layer, remote, { signal });
      const [a, b] = await Promise.all([
        extractTarGz(local, { parentDir: work }),
        extractTarGz(remote, { parentDir: work }),
      ]);
      const [la, lb] = await Promise.all([listFiles(a), listFiles(b)]);
      const changed = [...new Set([...la.keys(), ...lb.keys()])]
        .sort()
        .filter((p) => !la.get(p)?.equals(lb.get(p) ?? Buffer.alloc(0)) || la.has(p) !== lb.has(p));
      if (changed.length === 0) {
        log.success('no changes detected');
        return;
      }
      for (const p of changed)
        log.failure(
          `${p}: ${!lb.has(p) ? 'only in the local content' : !la.has(p) ? 'only in the remote artifact' : 'differs'}`,
        );
      process.exitCode = 1;
      throw new CliInputError('the remote artifact contents differs from the local one');
    } finally {
      client.close();
      await rm(work, { recursive: true, force: true });
    }
  });
}
