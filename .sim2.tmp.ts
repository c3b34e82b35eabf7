import { simulate } from './src/sim/simulate.ts';
await simulate({ outDir: process.argv[2]!, start: new Date(process.argv[3]!), durationMs: Number(process.argv[4]) });
