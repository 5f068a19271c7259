// Value lists of the API that the CLI needs without the schemas: `fluxts create` offers them as choices, and
// importing api/index.ts would build every CRD schema at start. This module imports nothing, so it costs nothing.

/** RECEIVER_TYPES are the webhook flavours a Receiver validates (spec.type). */
export const RECEIVER_TYPES = [
  'generic',
  'generic-hmac',
  'generic-oidc',
  'github',
  'gitlab',
  'bitbucket',
  'harbor',
  'dockerhub',
  'quay',
  'gcr',
  'nexus',
  'acr',
  'cdevents',
] as const;
