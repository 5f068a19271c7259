import { readFileSync } from 'node:fs';

/** VERSION is the fluxts version from package.json; the installed image tag is `v<VERSION>`. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** IMAGE_REPOSITORY is the repository of the controller image `npm run image` builds (deploy/README.md). */
export const IMAGE_REPOSITORY = 'ghcr.io/fluxts/fluxts';
