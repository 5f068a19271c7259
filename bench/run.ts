// `npm run bench [name…]`: every benchmark compares fluxts with the reference tool on the same input, in the same
// run, and prints the figures and ratios. With names, only those run.
import { runArtifactBench } from './artifacts.ts';
import { runBucketBench } from './buckets.ts';
import { runGoTemplateBench } from './gotemplate.ts';
import { runHelmBench } from './helm.ts';
import { runHelmReleaseBench } from './helmreleases.ts';
import { runImagePolicyBench } from './imagepolicies.ts';
import { runGitRepositoryBench } from './gitrepositories.ts';
import { runKustomizationBench } from './kustomizations.ts';
import { runKustomizeBench } from './kustomize.ts';
import { runEventBench, runReceiverBench } from './notification.ts';
import { runOCIRepositoryBench } from './ocirepositories.ts';
import { runUiBench } from './ui.ts';

// Numbers among the arguments are sizes for the benchmarks that scale (`npm run bench helmreleases 500`).
const args = process.argv.slice(2);
const sizes = args.filter((a) => /^\d+$/u.test(a)).map(Number);
const selected = args.filter((a) => !/^\d+$/u.test(a));

/** BENCHES maps a benchmark name to its runner; each prints its own table. */
const BENCHES: Record<string, () => Promise<unknown>> = {
  kustomize: () => runKustomizeBench(),
  artifacts: () => runArtifactBench(),
  gitrepositories: () => runGitRepositoryBench(100),
  kustomizations: () => runKustomizationBench(),
  receivers: () => runReceiverBench(),
  events: () => runEventBench(),
  gotemplate: () => runGoTemplateBench(),
  helm: () => runHelmBench(),
  helmreleases: () => runHelmReleaseBench(sizes.length > 0 ? sizes : undefined),
  ocirepositories: () => runOCIRepositoryBench(100),
  ui: () => runUiBench(),
  buckets: () => runBucketBench(100),
  imagepolicies: () => runImagePolicyBench(),
};

const unknown = selected.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const [name, run] of Object.entries(BENCHES)) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  await run();
}
