// The registry of benchmark scenarios behind `mortar bench`, in the order a full run takes them.
import { cockpitAt } from './cockpit.ts';
import { correlateBatch, correlateLag } from './correlate.ts';
import { ingestGrok, ingestJson, ingestSyslog, ingestText } from './ingest.ts';
import { patternsAccuracy, patternsRate } from './patterns.ts';
import type { Scenario } from './scenario.ts';
import { storageBytesPerEvent } from './storage.ts';

export const SCENARIOS: Scenario[] = [
  ingestText,
  ingestJson,
  ingestSyslog,
  ingestGrok,
  correlateBatch,
  correlateLag,
  cockpitAt,
  patternsRate,
  patternsAccuracy,
  storageBytesPerEvent,
];
