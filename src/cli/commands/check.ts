// `mortar check -c FILE`: loads and builds the whole configuration without running it and reports
// every problem at once (file:line:col, path, hint).
import { accessSettings } from '../../access/settings.ts';
import { loadConfig } from '../../config/load.ts';
import { buildPipelines } from '../../pipeline/build.ts';
import { defineFlows } from '../../process/flows/definition.ts';
import { defineHealth } from '../../process/health/definition.ts';
import { configReports } from '../../reports/catalog.ts';
import { datasets } from '../../reports/datasets.ts';
import { parseFlags } from '../args.ts';

const HELP = `usage: mortar check -c FILE

Validates the configuration FILE and everything it includes; exit 0 when valid, 2 with all
problems listed when not.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { config: { type: 'string', short: 'c', default: 'mortar.yaml' } },
    HELP,
  );
  const config = loadConfig(values.config as string);
  const pipelines = buildPipelines(config);
  const flows = defineFlows(config);
  defineHealth(config);
  accessSettings(config); // roles' permissions, scope rules and field masks
  const reports = configReports(config, datasets(flows));
  console.log(
    `${values.config}: ok (${pipelines.length} pipeline${pipelines.length === 1 ? '' : 's'}, ${Object.keys(config.subsystems).length} subsystems, ${flows.length} flow${flows.length === 1 ? '' : 's'}); ${reports.length} report${reports.length === 1 ? '' : 's'}`,
  );
  return 0;
}
