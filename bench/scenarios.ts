// The registry of benchmark scenarios behind `mortar bench`, in the order a full run takes them.
import { ingestJson, ingestText } from './ingest.ts';
import type { Scenario } from './scenario.ts';

export const SCENARIOS: Scenario[] = [ingestText, ingestJson];
