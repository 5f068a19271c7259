// `npm test`: runs every test (unit, differential, integration) with Node's test runner.
// The local control plane is started once for the whole run by the test harness (see test/support/cluster.ts).
import { spawnSync } from 'node:child_process';

const patterns = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src/**/*.test.ts', 'test/**/*.test.ts'];
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...patterns], {
  stdio: 'inherit',
});
process.exitCode = result.status ?? 1;
