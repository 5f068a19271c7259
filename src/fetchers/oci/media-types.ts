// Media types of the OCI image and distribution specs, Docker's schema 2, and Flux's artifact format.

export const MediaType = {
  OCIManifest: 'application/vnd.oci.image.manifest.v1+json',
  OCIIndex: 'application/vnd.oci.image.index.v1+json',
  OCIConfig: 'application/vnd.oci.image.config.v1+json',
  OCIEmpty: 'application/vnd.oci.empty.v1+json',
  OCILayer: 'application/vnd.oci.image.layer.v1.tar',
  OCILayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  /** Flux's artifact config (`flux push artifact`). */
  FluxConfig: 'application/vnd.cncf.flux.config.v1+json',
  /** Flux's artifact content layer: a tar+gzip of the pushed directory. */
  FluxContent: 'application/vnd.cncf.flux.content.v1.tar+gzip',
  HelmConfig: 'application/vnd.cncf.helm.config.v1+json',
  HelmChartContent: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
} as const;

/** MANIFEST_ACCEPT lists every manifest type the client understands, for GET/HEAD `Accept` headers. */
export const MANIFEST_ACCEPT: readonly string[] = [
  MediaType.OCIManifest,
  MediaType.OCIIndex,
  MediaType.DockerManifest,
  MediaType.DockerManifestList,
];

/** isIndexMediaType is true for an OCI index or a Docker manifest list. */
export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MediaType.OCIIndex || mediaType === MediaType.DockerManifestList;
}

/** isManifestMediaType is true for an OCI image manifest or a Docker schema 2 manifest. */
export function isManifestMediaType(mediaType: string): boolean {
  return mediaType === MediaType.OCIManifest || mediaType === MediaType.DockerManifest;
}
