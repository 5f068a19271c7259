// Building one output artifact of an ArtifactGenerator (source-watcher builder.Build): stage the copy operations in
// `<workspace>/<name>`, name the tarball after the contents hash, archive it under `externalartifact/<ns>/<name>/`
// with the default exclusions (VCS and the binary/CI defaults, as `SourceIgnoreFilter(nil, nil)` does), and give it
// the revision `latest@<digest>`.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { Artifact, ArtifactStorage, PackFilter } from '../../../artifacts/index.ts';
import { sourceIgnoreMatcher } from '../../../engines/sourceignore/index.ts';
import { applyCopyOperations, type CopyOperation } from './copy.ts';
import { hashDir } from './dirhash.ts';

export const EXTERNAL_ARTIFACT_KIND = 'ExternalArtifact';

/** OutputSpec is one `spec.artifacts[]` entry, as far as building it goes. */
export interface OutputSpec {
  name: string;
  copy: readonly CopyOperation[];
}

const defaultFilter = (): PackFilter => {
  const matcher = sourceIgnoreMatcher([]);
  return (path, isDir) => matcher.excludes(path, isDir);
};

/** buildArtifact stages, hashes and stores one output; the storage write is atomic (a failure stores nothing). */
export async function buildArtifact(
  storage: ArtifactStorage,
  output: OutputSpec,
  sources: ReadonlyMap<string, string>,
  namespace: string,
  workspace: string,
): Promise<Artifact> {
  const staging = join(workspace, 'staging', output.name);
  await mkdir(staging, { recursive: true });
  await applyCopyOperations(output.copy, sources, staging);
  const hash = await hashDir(staging, output.name);
  const artifact = storage.newArtifact(
    { kind: EXTERNAL_ARTIFACT_KIND, namespace, name: output.name },
    '',
    `${hash}.tar.gz`,
  );
  const stored = await storage.archive(artifact, staging, defaultFilter());
  stored.revision = `latest@${stored.digest ?? ''}`;
  return stored;
}
