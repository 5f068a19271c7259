// Step "load the chart": the source's artifact downloaded from the source-controller, its digest verified before
// anything is unpacked, extracted safely, and the chart directory inside located (a packaged chart holds one
// top-level directory; a Git or OCI artifact may hold the chart at its root).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { HelmReleaseReason } from '../../api/index.ts';
import { fetchArtifact } from '../../artifacts/index.ts';
import { loadChart, nodeChartFileSystem, type Chart } from '../../engines/helm/index.ts';
import { StepError } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import type { SourceArtifact } from '../common/index.ts';

/** LoadedChart is the chart's directory on disk (rendering reloads it) and its metadata as loaded once. */
export interface LoadedChart {
  path: string;
  chart: Chart;
}

function chartDir(root: string): string {
  if (existsSync(join(root, 'Chart.yaml'))) return root;
  const dirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory());
  const withChart = dirs.filter((d) => existsSync(join(root, d.name, 'Chart.yaml')));
  if (withChart.length === 1) return join(root, withChart[0]!.name);
  throw new Error('Chart.yaml file is missing');
}

/** loadChartArtifact fetches and loads the chart; any failure is ArtifactFailed `Could not load chart: …`. */
export async function loadChartArtifact(artifact: SourceArtifact, workDir: string): Promise<LoadedChart> {
  try {
    const fetched = await fetchArtifact(artifact.url, artifact.digest, { parentDir: workDir });
    const path = chartDir(fetched.dir);
    return { path, chart: loadChart(nodeChartFileSystem, path) };
  } catch (err) {
    throw new StepError(HelmReleaseReason.ArtifactFailed, `Could not load chart: ${errorMessage(err)}`, { cause: err });
  }
}
