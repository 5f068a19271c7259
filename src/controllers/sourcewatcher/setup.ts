// The source-watcher's reconcilers: ArtifactGenerators, requeued when a source they read gets a new artifact (an
// index of `Kind/namespace/name` over spec.sources, one watch per source kind) and when an ExternalArtifact they
// generated changes or disappears (an index over status.inventory).
import { ArtifactGeneratorKind } from '../../api/index.ts';
import type { ArtifactStorage } from '../../artifacts/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import {
  addObjectController,
  artifactChanged,
  type ControllerSetup,
  type ObjectController,
  type Watch,
} from '../../runtime/index.ts';
import { EXTERNAL_ARTIFACT_TYPE } from './external-artifact.ts';
import { finalizeGenerator, type GeneratorObject, reconcileGenerator } from './reconcile.ts';
import { SOURCE_KINDS } from './sources.ts';

/** artifactGeneratorType addresses the ArtifactGenerator kind. */
export const artifactGeneratorType = {
  apiVersion: `${ArtifactGeneratorKind.group}/${ArtifactGeneratorKind.version}`,
  kind: ArtifactGeneratorKind.kind,
};

const SOURCES_INDEX = 'sources';
const GENERATED_INDEX = 'generated';

export interface SourceWatcherOptions {
  storage: ArtifactStorage;
  noCrossNamespaceRefs?: boolean;
  workDir?: string;
}

const keyOf = (kind: string, obj: KubeObject): string =>
  `${kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;

/** sourceWatcher is the source-watcher: ArtifactGenerators producing ExternalArtifacts. */
export function sourceWatcher(options: SourceWatcherOptions): ControllerSetup {
  return {
    name: 'source-watcher',
    setup(manager) {
      const watches: Watch[] = Object.entries(SOURCE_KINDS).map(([kind, apiVersion]) => ({
        type: { apiVersion, kind },
        index: SOURCES_INDEX,
        key: (src: KubeObject) => keyOf(kind, src),
        when: artifactChanged,
      }));
      // A generated ExternalArtifact edited or deleted by someone else is drift: its generator rebuilds it.
      watches.push({
        type: EXTERNAL_ARTIFACT_TYPE,
        index: GENERATED_INDEX,
        key: (ea: KubeObject) => `${ea.metadata.namespace ?? ''}/${ea.metadata.name ?? ''}`,
        on: ['update', 'delete'],
        when: artifactChanged,
      });
      const informers = new Map<string, ObjectController<GeneratorObject>['watched'][number]>();
      const generators: ObjectController<GeneratorObject> = addObjectController<GeneratorObject>(manager, {
        name: 'artifactgenerator',
        type: artifactGeneratorType,
        fieldManager: 'source-watcher',
        ...(options.workDir ? { workDir: options.workDir } : {}),
        indexes: {
          [SOURCES_INDEX]: (obj) =>
            obj.spec.sources.map((s) => `${s.kind}/${s.namespace || obj.metadata.namespace || ''}/${s.name}`),
          [GENERATED_INDEX]: (obj) => (obj.status?.inventory ?? []).map((r) => `${r.namespace}/${r.name}`),
        },
        watches,
        reconcile: (obj, ctx) =>
          reconcileGenerator(obj, ctx, {
            storage: options.storage,
            noCrossNamespaceRefs: options.noCrossNamespaceRefs ?? false,
            cached: (kind, namespace, name) => informers.get(kind)?.get(`${namespace}/${name}`),
          }),
        finalize: (obj, ctx) => finalizeGenerator(obj, ctx.manager.client, options.storage),
      });
      Object.keys(SOURCE_KINDS).forEach((kind, i) => {
        const informer = generators.watched[i];
        if (informer) informers.set(kind, informer);
      });
    },
  };
}
