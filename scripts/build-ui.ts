// `npm install` (the `prepare` script) and `npm run prepare`: bundle the web UI into dist/ui/ (src/ui/bundle.ts).
import { buildBundle, DIST_DIR } from '../src/ui/bundle.ts';

const started = Date.now();
await buildBundle();
process.stderr.write(`web UI bundled into ${DIST_DIR} in ${Date.now() - started} ms\n`);
