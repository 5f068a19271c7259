import {
  defineMethods,
  GoStruct,
  goMethod,
  ptrTo,
  SLICE_STRING,
  STRING,
  BOOL,
  namedType,
  structType,
  withGoType,
  type GoValue,
} from '../../gotemplate/index.ts';
import { parseVersion } from '../../semver-range/index.ts';
import { quote as goQuote } from '../../gotemplate/index.ts';

/**
 * `.Capabilities` as Helm v4.2.4 builds it for `helm template`: the Kubernetes version its client-go (v0.36)
 * implies, every API version client-go's scheme registers (plus apiextensions), and the Helm build information of
 * the released binary. `--kube-version` and `--api-versions` override and extend them.
 */

/** HELM_BUILD is what `helm version` prints for the v4.2.4 release (Go toolchain go1.26.5, client-go v0.36). */
export const HELM_BUILD = {
  version: 'v4.2.4',
  gitCommit: '3900f434fd3ef2b84065dc04508df48f288dba00',
  gitTreeState: 'clean',
  goVersion: 'go1.26.5',
  kubeClientVersion: 'v1.36',
} as const;

/** DEFAULT_KUBE_VERSION is v(1+minor of client-go 0.36).36.0, Helm v4's derivation. */
export const DEFAULT_KUBE_VERSION = 'v1.36.0';

/**
 * DEFAULT_API_VERSIONS is Helm v4.2.4's default `.Capabilities.APIVersions`, in the order the released binary
 * lists them (client-go v0.36.1's scheme, groups by name, versions by priority, then apiextensions).
 */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1alpha1',
  'admissionregistration.k8s.io/v1beta1',
  'internal.apiserver.k8s.io/v1alpha1',
  'apps/v1',
  'apps/v1beta1',
  'apps/v1beta2',
  'authentication.k8s.io/v1',
  'authentication.k8s.io/v1alpha1',
  'authentication.k8s.io/v1beta1',
  'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1',
  'autoscaling/v1',
  'autoscaling/v2',
  'batch/v1',
  'batch/v1beta1',
  'certificates.k8s.io/v1',
  'certificates.k8s.io/v1beta1',
  'certificates.k8s.io/v1alpha1',
  'coordination.k8s.io/v1alpha2',
  'coordination.k8s.io/v1beta1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'discovery.k8s.io/v1beta1',
  'events.k8s.io/v1',
  'events.k8s.io/v1beta1',
  'extensions/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta2',
  'flowcontrol.apiserver.k8s.io/v1beta3',
  'networking.k8s.io/v1',
  'networking.k8s.io/v1beta1',
  'node.k8s.io/v1',
  'node.k8s.io/v1alpha1',
  'node.k8s.io/v1beta1',
  'policy/v1',
  'policy/v1beta1',
  'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1',
  'rbac.authorization.k8s.io/v1alpha1',
  'resource.k8s.io/v1',
  'resource.k8s.io/v1beta2',
  'resource.k8s.io/v1beta1',
  'resource.k8s.io/v1alpha3',
  'scheduling.k8s.io/v1alpha2',
  'scheduling.k8s.io/v1beta1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1beta1',
  'storage.k8s.io/v1',
  'storage.k8s.io/v1alpha1',
  'storagemigration.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1',
];

/** KubeVersion is Helm's KubeVersion: the text as given (with `v`) and its normalised form for constraints. */
export interface KubeVersion {
  version: string;
  normalized: string;
  major: string;
  minor: string;
}

/** KubeVersionError is a --kube-version Kubernetes' version parser refuses. */
export class KubeVersionError extends Error {}

/**
 * parseKubeVersion is Helm's ParseKubeVersion over Kubernetes' generic version parser: an optional `v`, at least
 * `major.minor` as decimal numbers without leading zeros, anything after the numbers ignored for the normalised
 * form.
 */
export function parseKubeVersion(text: string): KubeVersion {
  const m = /^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$/s.exec(text);
  if (m === null) throw new KubeVersionError(`could not parse ${goQuote(text)} as version`);
  const parts = m[1]!.split('.');
  if (parts.length < 2) throw new KubeVersionError(`illegal version string ${goQuote(text)}`);
  const nums: bigint[] = [];
  parts.forEach((p, i) => {
    if (i === 0 && p.startsWith('0') && p !== '0') {
      throw new KubeVersionError(`illegal zero-prefixed version component ${goQuote(p)} in ${goQuote(text)}`);
    }
    const n = BigInt(p);
    if (n >= 1n << 64n) {
      throw new KubeVersionError(
        `illegal non-numeric version component ${goQuote(p)} in ${goQuote(text)}: strconv.ParseUint: parsing ${goQuote(p)}: value out of range`,
      );
    }
    nums.push(n);
  });
  return {
    version: text.startsWith('v') ? text : `v${text}`,
    normalized: `v${nums.join('.')}`,
    major: nums[0]!.toString(),
    minor: nums[1]!.toString(),
  };
}

/** defaultKubeVersion is the version `helm template` assumes without --kube-version. */
export function defaultKubeVersion(): KubeVersion {
  return { version: DEFAULT_KUBE_VERSION, normalized: DEFAULT_KUBE_VERSION, major: '1', minor: '36' };
}

/** kubeVersionString is KubeVersion.String(): the normalised form (what constraints are checked against). */
export function kubeVersionString(kv: KubeVersion): string {
  return kv.normalized !== '' ? kv.normalized : kv.version;
}

/** isCompatibleKube checks a chart's kubeVersion constraint as Helm does (false when either does not parse). */
export function semverValid(v: string): boolean {
  try {
    parseVersion(v);
    return true;
  } catch {
    return false;
  }
}

// ---- Go types of .Capabilities ----

const KUBE_VERSION = structType('common.KubeVersion', [
  { name: 'Version', type: STRING },
  { name: 'normalizedVersion', type: STRING, exported: false },
  { name: 'Major', type: STRING },
  { name: 'Minor', type: STRING },
]);
// String and GitVersion have pointer receivers in Helm; the field is addressable there, so templates reach them.
defineMethods(KUBE_VERSION, {
  String: goMethod(KUBE_VERSION, [], (kv) => kubeVersionOf(kv).normalized || kubeVersionOf(kv).version, {
    type: STRING,
  }),
  GitVersion: goMethod(KUBE_VERSION, [], (kv) => kubeVersionOf(kv).version, { type: STRING }),
});

function kubeVersionOf(v: GoStruct): { version: string; normalized: string } {
  return { version: v.fields['Version'] as string, normalized: v.fields['normalizedVersion'] as string };
}

/** VERSION_SET is common.VersionSet ([]string) with its Has method. */
export const VERSION_SET = namedType('common.VersionSet', SLICE_STRING, {
  Has: goMethod(SLICE_STRING, [STRING], (set, v) => set.includes(v), { type: BOOL }),
});

// helm's internal/version.BuildInfo, with its JSON tags (`toJson .Capabilities.HelmVersion` prints them).
const BUILD_INFO = structType('version.BuildInfo', [
  { name: 'Version', type: STRING, json: 'version,omitempty' },
  { name: 'GitCommit', type: STRING, json: 'git_commit,omitempty' },
  { name: 'GitTreeState', type: STRING, json: 'git_tree_state,omitempty' },
  { name: 'GoVersion', type: STRING, json: 'go_version,omitempty' },
  { name: 'KubeClientVersion', type: STRING, json: 'kube_client_version' },
]);

const CAPABILITIES = structType('common.Capabilities', [
  { name: 'KubeVersion', type: KUBE_VERSION },
  { name: 'APIVersions', type: VERSION_SET },
  { name: 'HelmVersion', type: BUILD_INFO },
]);
const CAPABILITIES_PTR = ptrTo(CAPABILITIES);

/** Capabilities is what a render knows about the (simulated) cluster. */
export interface Capabilities {
  kubeVersion: KubeVersion;
  apiVersions: readonly string[];
}

/** defaultCapabilities is `helm template`'s: the default Kubernetes version and API versions. */
export function defaultCapabilities(): Capabilities {
  return { kubeVersion: defaultKubeVersion(), apiVersions: DEFAULT_API_VERSIONS };
}

/** capabilitiesValue is `.Capabilities` as templates see it (a *common.Capabilities). */
export function capabilitiesValue(caps: Capabilities): GoValue {
  const kv = new GoStruct(KUBE_VERSION, {
    Version: caps.kubeVersion.version,
    normalizedVersion: caps.kubeVersion.normalized,
    Major: caps.kubeVersion.major,
    Minor: caps.kubeVersion.minor,
  });
  const apis = withGoType([...caps.apiVersions], VERSION_SET);
  const helm = new GoStruct(BUILD_INFO, {
    Version: HELM_BUILD.version,
    GitCommit: HELM_BUILD.gitCommit,
    GitTreeState: HELM_BUILD.gitTreeState,
    GoVersion: HELM_BUILD.goVersion,
    KubeClientVersion: HELM_BUILD.kubeClientVersion,
  });
  return new GoStruct(CAPABILITIES_PTR, { KubeVersion: kv, APIVersions: apis, HelmVersion: helm });
}
