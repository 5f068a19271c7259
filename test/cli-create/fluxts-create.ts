// `node test/cli-create/fluxts-create.ts create …`: the create commands as a standalone program, for trying them
// from a shell until the lead wires registerCreateCommand into src/cli/main.ts.
import { runFluxts } from './run-fluxts.ts';

const result = await runFluxts(process.argv.slice(2));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.code;
