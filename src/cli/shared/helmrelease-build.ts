// The local HelmRelease render that `fluxts build helmrelease` prints and `fluxts diff helmrelease` dry-runs
// (flux2#2808): the HelmRelease found in the manifests of a local checkout, its chart fetched as the
// source-controller would build it (helmrelease-chart.ts), its values composed as the helm-controller composes them
// (valuesFrom ConfigMaps and Secrets from the same manifests or from the cluster, spec.values over them), rendered
// for the release name, namespace and revision the controller would use, and its objects namespaced and stamped
// with the labels and annotations the controller applies.
import type { HelmRelease } from '../../api/index.ts';
import {
  composeValues,
  configDigest,
  kubeValuesReader,
  parseManifest,
  releaseTarget,
  ReleaseStorage,
  reusedValues,
  snapshotOf,
  stampRelease,
  withNamespaces,
  type ValuesObject,
  type ValuesReader,
} from '../../controllers/helm/index.ts';
import { fromJs, renderChart, type Release, type ValueMap } from '../../engines/helm/index.ts';
import { isClusterScoped } from '../../engines/kustomize/index.ts';
import { sprigFunctions } from '../../engines/sprig/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { fetchReleaseChart } from './helmrelease-chart.ts';
import { CliBuildError } from './kustomization-build.ts';
import { CliInputError } from './errors.ts';
import { isSopsEncrypted, loadLocalManifests, type LocalManifests } from './local-manifests.ts';

/** HelmReleaseBuildRequest is what `build helmrelease` and `diff helmrelease` need. */
export interface HelmReleaseBuildRequest {
  name: string;
  namespace: string;
  /** path is the directory of manifests holding the HelmRelease (kustomize-built where it has a kustomization). */
  path: string;
  /** client is absent with --dry-run: sources, Secrets and the release storage are then never read. */
  client?: KubeClient | undefined;
  /** valuesFromCluster reads every valuesFrom object from the cluster, not from the manifests. */
  valuesFromCluster?: boolean;
  /** localSources maps `Kind/namespace/name` of a GitRepository or Bucket chart source to a local checkout. */
  localSources?: Readonly<Record<string, string>>;
}

/** HelmReleaseBuild is the release the helm-controller would make, as objects. */
export interface HelmReleaseBuild {
  helmRelease: HelmRelease;
  release: { name: string; namespace: string; storageNamespace: string };
  /**
   * action is what the controller would do: install, upgrade, or nothing when the latest release already has this
   * chart version and these values (then the render is that release's, at its revision).
   */
  action: 'install' | 'upgrade' | 'none';
  /** revision is the release revision the render is for; `previous` the latest stored one, if any. */
  revision: number;
  previous: Release | undefined;
  chart: { name: string; version: string };
  /** crds are the chart's crds/ objects the action's CRD policy would apply (install: Create, upgrade: Skip). */
  crds: KubeObject[];
  /** objects are the rendered manifest's objects, namespaced and stamped, in Helm's install order. */
  objects: KubeObject[];
  /** warnings are what the render could not reproduce (printed on stderr, never silently dropped). */
  warnings: string[];
}

const HELM_API_GROUP = 'helm.toolkit.fluxcd.io/';

function findHelmRelease(manifests: LocalManifests, req: HelmReleaseBuildRequest): HelmRelease {
  const hr = manifests.find<HelmRelease>('HelmRelease', req.namespace, req.name);
  if (!hr || !(hr.apiVersion ?? '').startsWith(HELM_API_GROUP)) {
    throw new CliInputError(
      `failed to find HelmRelease '${req.namespace}/${req.name}' in the manifests under '${req.path}'`,
      { hint: 'check the name, -n/--namespace and --path' },
    );
  }
  hr.spec ??= {} as HelmRelease['spec'];
  return hr;
}

/** objectData is a ConfigMap's or Secret's values as bytes by key, as the API server would store them. */
function objectData(obj: KubeObject): ValuesObject {
  const out: ValuesObject = {};
  const map = (v: unknown): Record<string, string> =>
    typeof v === 'object' && v !== null ? (v as Record<string, string>) : {};
  if (obj.kind === 'Secret') {
    for (const [k, v] of Object.entries(map(obj['data']))) out[k] = Buffer.from(String(v), 'base64');
    for (const [k, v] of Object.entries(map(obj['stringData']))) out[k] = Buffer.from(String(v), 'utf8');
  } else {
    for (const [k, v] of Object.entries(map(obj['binaryData']))) out[k] = Buffer.from(String(v), 'base64');
    for (const [k, v] of Object.entries(map(obj['data']))) out[k] = Buffer.from(String(v), 'utf8');
  }
  return out;
}

/**
 * valuesReader reads valuesFrom objects from the manifests, else from the cluster; a SOPS-encrypted Secret in the
 * manifests (ciphertext to the CLI) is read from the cluster too. --values-from-cluster reads only the cluster.
 */
export function valuesReader(
  manifests: LocalManifests,
  client: KubeClient | undefined,
  fromCluster: boolean,
): ValuesReader {
  const live = client ? kubeValuesReader(client) : undefined;
  return async (kind, namespace, name) => {
    if (fromCluster && live) return live(kind, namespace, name);
    const local = manifests.find(kind, namespace, name);
    if (local && !isSopsEncrypted(local)) return objectData(local);
    if (live) return live(kind, namespace, name);
    if (local) {
      throw new CliInputError(`${kind} '${namespace}/${name}' is SOPS-encrypted in --path`, {
        hint: 'drop --dry-run so that it is read from the cluster',
      });
    }
    return undefined;
  };
}

/** namespaced sets the release namespace as Helm's kube client does (the cluster's scopes, else kustomize's table). */
async function namespaced(client: KubeClient | undefined, objects: KubeObject[], ns: string): Promise<KubeObject[]> {
  if (client) return withNamespaces(client, objects, ns);
  return objects.map((o) =>
    o.metadata.namespace || isClusterScoped(o.apiVersion ?? '', o.kind ?? '')
      ? o
      : { ...o, metadata: { ...o.metadata, namespace: ns } },
  );
}

/**
 * nextAction is what the helm-controller's release state says for a HelmRelease it manages: nothing when the latest
 * record is deployed with this chart name, version and values digest; install when there is none (or it was
 * uninstalled); an upgrade otherwise.
 */
function nextAction(
  previous: Release | undefined,
  chart: { name: string; version: string },
  values: ValueMap,
): HelmReleaseBuild['action'] {
  if (!previous || previous.info.status === 'uninstalled') return 'install';
  const snap = snapshotOf(previous);
  const same =
    snap.chartName === chart.name && snap.chartVersion === chart.version && snap.configDigest === configDigest(values);
  return same && previous.info.status === 'deployed' ? 'none' : 'upgrade';
}

/** buildHelmRelease renders the HelmRelease NAME of the manifests under `path` as the helm-controller would. */
export async function buildHelmRelease(req: HelmReleaseBuildRequest): Promise<HelmReleaseBuild> {
  const manifests = await loadLocalManifests(req.path);
  const hr = findHelmRelease(manifests, req);
  const target = releaseTarget(hr);
  const chart = await fetchReleaseChart(hr, {
    manifests,
    client: req.client,
    localSources: req.localSources ?? {},
  });
  let values: ValueMap;
  try {
    const inline = hr.spec.values === undefined ? undefined : (fromJs(hr.spec.values) as ValueMap);
    const read = valuesReader(manifests, req.client, req.valuesFromCluster === true);
    values = await composeValues(hr.metadata.namespace ?? '', hr.spec.valuesFrom ?? [], inline, read);
  } catch (err) {
    if (err instanceof CliInputError) throw err;
    throw new CliBuildError(`values of HelmRelease '${req.namespace}/${req.name}': ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const previous = req.client
    ? await new ReleaseStorage(req.client, target.storageNamespace).last(target.name)
    : undefined;
  const action = nextAction(previous, chart.metadata, values);
  const revision = action === 'none' ? previous!.version : (previous?.version ?? 0) + 1;
  const isUpgrade = action === 'upgrade' || (action === 'none' && revision > 1);
  const chartId = { name: chart.metadata.name, version: chart.metadata.version };
  if (action === 'upgrade' && hr.spec.upgrade?.preserveValues && req.client) {
    // Helm's reuseValues, as the controller's upgrade runs it: the deployed revision's values under the desired ones.
    const history = await new ReleaseStorage(req.client, target.storageNamespace).history(target.name);
    const current = [...history].reverse().find((r) => r.info.status === 'deployed') ?? previous!;
    const reused = reusedValues(values, current);
    values = reused.values;
    if (reused.chartValues) chart.values = reused.chartValues;
  }
  let rendered;
  try {
    rendered = renderChart(chart, values, {
      name: target.name,
      namespace: target.namespace,
      revision,
      isUpgrade,
      functions: sprigFunctions({ localZone: 'UTC' }),
    });
  } catch (err) {
    throw new CliBuildError(`render of chart ${chartId.name}@${chartId.version} failed: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const policy = action === 'upgrade' ? (hr.spec.upgrade?.crds ?? 'Skip') : (hr.spec.install?.crds ?? 'Create');
  const decoder = new TextDecoder();
  const crds =
    policy === 'Skip' ? [] : rendered.chart.crdObjects().flatMap((c) => parseManifest(decoder.decode(c.file.data)));
  const objects = await namespaced(req.client, parseManifest(rendered.manifest), target.namespace);
  const warnings: string[] = [];
  if ((hr.spec.postRenderers?.length ?? 0) > 0) {
    // The controller does not post-render yet either; say so rather than print a render that looks complete.
    warnings.push(
      'spec.postRenderers are not applied: neither the helm-controller nor build helmrelease runs them yet',
    );
  }
  return {
    helmRelease: hr,
    release: target,
    action,
    revision,
    previous,
    chart: chartId,
    crds,
    objects: objects.map((o) => stampRelease(o, hr, target)),
    warnings,
  };
}
