// The registry of every kind: lookup by apiVersion/kind, CRDs for installers, defaulting for controllers.
import { stringify } from 'yaml';
import { FluxtsError } from '../util/errors.ts';
import type { AnyFluxKind, CustomResourceDefinition, FluxKind, FluxObject } from './crd.ts';
import { HelmReleaseKind } from './helm/helmrelease.ts';
import { ImagePolicyKind } from './image/imagepolicy.ts';
import { ImageRepositoryKind } from './image/imagerepository.ts';
import { ImageUpdateAutomationKind } from './image/imageupdateautomation.ts';
import { KustomizationKind } from './kustomize/kustomization.ts';
import { AlertKind } from './notification/alert.ts';
import { ProviderKind } from './notification/provider.ts';
import { ReceiverKind } from './notification/receiver.ts';
import { BucketKind } from './source/bucket.ts';
import { ExternalArtifactKind } from './source/externalartifact.ts';
import { GitRepositoryKind } from './source/gitrepository.ts';
import { HelmChartKind } from './source/helmchart.ts';
import { HelmRepositoryKind } from './source/helmrepository.ts';
import { OCIRepositoryKind } from './source/ocirepository.ts';
import { ArtifactGeneratorKind } from './sourcewatcher/artifactgenerator.ts';

/** FLUX_KINDS lists every kind in a fixed order (sources, appliers, notifications, images, extensions). */
export const FLUX_KINDS = [
  GitRepositoryKind,
  OCIRepositoryKind,
  HelmRepositoryKind,
  HelmChartKind,
  BucketKind,
  ExternalArtifactKind,
  KustomizationKind,
  HelmReleaseKind,
  ProviderKind,
  AlertKind,
  ReceiverKind,
  ImageRepositoryKind,
  ImagePolicyKind,
  ImageUpdateAutomationKind,
  ArtifactGeneratorKind,
] as const;

/** FluxKindName is the name of any Flux kind. */
export type FluxKindName = (typeof FLUX_KINDS)[number]['kind'];

/** AnyFluxObject is an object of any Flux kind. */
export type AnyFluxObject = FluxObject<string, FluxKindName, unknown, unknown>;

const kinds: readonly AnyFluxKind[] = FLUX_KINDS;

/** findKind returns the kind served at apiVersion/kind, or undefined. */
export function findKind(apiVersion: string, kind: string): AnyFluxKind | undefined {
  return kinds.find((k) => k.apiVersion === apiVersion && k.kind === kind);
}

/**
 * withDefaults returns a copy of `obj` with its CRD's schema defaults applied, as the apiserver would store it.
 * Pass a kind definition for a typed result, or any object whose apiVersion/kind is a Flux kind.
 *
 * @example withDefaults(GitRepositoryKind, repo).spec.timeout // '60s' when unset
 */
export function withDefaults<G extends string, V extends string, K extends string, Spec, Status>(
  kind: FluxKind<G, V, K, Spec, Status>,
  obj: FluxObject<`${G}/${V}`, K, Spec, Status>,
): FluxObject<`${G}/${V}`, K, Spec, Status>;
export function withDefaults(obj: FluxObject): FluxObject;
export function withDefaults(kindOrObj: AnyFluxKind | FluxObject, maybeObj?: FluxObject): FluxObject {
  if (maybeObj !== undefined) return (kindOrObj as AnyFluxKind).withDefaults(maybeObj as GenericObject);
  const obj = kindOrObj as GenericObject;
  const kind = findKind(obj.apiVersion, obj.kind);
  if (kind === undefined) throw new UnknownKindError(obj.apiVersion, obj.kind);
  return kind.withDefaults(obj);
}

type GenericObject = FluxObject<`${string}/${string}`, string, unknown, unknown>;

/** UnknownKindError reports an apiVersion/kind that is not a Flux kind. */
export class UnknownKindError extends FluxtsError {
  constructor(apiVersion: string, kind: string) {
    super(`${apiVersion}/${kind} is not a Flux kind served by fluxts`);
  }
}

/** allCrds returns the CRD of every kind, in FLUX_KINDS order. */
export function allCrds(): CustomResourceDefinition[] {
  return kinds.map((k) => k.crd());
}

/** crdsYaml renders every CRD as one multi-document YAML stream; the output is byte-for-byte deterministic. */
export function crdsYaml(): string {
  return allCrds()
    .map((crd) => `---\n${stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false })}`)
    .join('');
}
