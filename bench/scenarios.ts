// The registry of benchmark scenarios behind `mortar bench`, in the order a full run takes them.
import { ingestCluster } from './cluster.ts';
import { cockpitAt } from './cockpit.ts';
import { correlateBatch, correlateLag, correlateLagStress } from './correlate.ts';
import { ingestGrok, ingestJson, ingestSyslog, ingestText } from './ingest.ts';
import { patternsAccuracy, patternsRate } from './patterns.ts';
import { reportP95, reportP95ClickHouse } from './reports.ts';
import type { Scenario } from './scenario.ts';
import { storageBytesPerEvent } from './storage.ts';

export const SCENARIOS: Scenario[] = [
  ingestText,
  ingestJson,
  ingestSyslog,
  ingestGrok,
  ingestCluster,
  correlateBatch,
  correlateLag,
  correlateLagStress,
  cockpitAt,
  patternsRate,
  patternsAccuracy,
  storageBytesPerEvent,
  reportP95,
  reportP95ClickHouse,
];
