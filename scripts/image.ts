// `npm run image`: builds the controller image (src/devcluster/image/) into the per-user cache's OCI layout and
// prints its digest, size and build time. `--push <host:port/repository>` also copies it to a registry
// (`--insecure` for plain HTTP, credentials from REGISTRY_USERNAME/REGISTRY_PASSWORD); `--json` prints the report as
// JSON.
import { parseArgs } from 'node:util';

import { stderrProgress } from '../src/devcluster/go-build.ts';
import { buildImage } from '../src/devcluster/image/build.ts';
import { pushImage } from '../src/devcluster/image/push.ts';

const { values } = parseArgs({
  options: { push: { type: 'string' }, insecure: { type: 'boolean' }, json: { type: 'boolean' } },
});
const root = new URL('..', import.meta.url).pathname;
const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
const result = await buildImage({ root, progress: stderrProgress });
let pushed: string | undefined;
if (values.push) {
  const tag = result.name.slice(result.name.lastIndexOf(':'));
  const destination = values.push.includes(':', values.push.lastIndexOf('/')) ? values.push : `${values.push}${tag}`;
  const username = process.env['REGISTRY_USERNAME'];
  const password = process.env['REGISTRY_PASSWORD'] ?? '';
  const digest = await pushImage({
    layoutDir: result.layoutDir,
    name: result.name,
    destination,
    insecure: values.insecure ?? false,
    ...(username ? { credentials: { username, password } } : {}),
  });
  pushed = `${destination}@${digest}`;
}
if (values.json) {
  process.stdout.write(JSON.stringify({ ...result, ...(pushed ? { pushed } : {}) }, null, 2) + '\n');
} else {
  const lines = [
    `image ${result.name}@${result.digest}`,
    `  layout ${result.layoutDir}`,
    ...result.layers.map(
      (l) =>
        `  ${l.name.padEnd(13)} ${mib(l.size).padStart(10)} compressed ${mib(l.uncompressedSize).padStart(10)} unpacked` +
        `  ${l.cached ? 'cached' : `built in ${l.seconds.toFixed(1)}s`}`,
    ),
    `  total         ${mib(result.compressedBytes).padStart(10)} compressed ${mib(result.uncompressedBytes).padStart(10)} unpacked`,
    `  ${result.cached ? 'up to date' : 'built'} in ${result.seconds.toFixed(1)}s`,
    ...(pushed ? [`  pushed ${pushed}`] : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
