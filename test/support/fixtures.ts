import { join } from 'node:path';

/**
 * SHARED_FIXTURES is the folder of realistic GitOps repositories and charts (flux2-kustomize-helm-example, podinfo)
 * that tests and benchmarks read. They are vendored in the repository (test/fixtures/shared, with their licences and
 * provenance in its README) so that no test depends on where the checkout lives or on a folder beside it.
 */
export const SHARED_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'shared');
