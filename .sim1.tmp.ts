import { simulate } from './src/sim/simulate.ts';
const t = performance.now();
const s = await simulate({ outDir: process.argv[2]!, durationMs: Number(process.argv[3] ?? 3600_000) });
console.log(JSON.stringify(s, null, 1), (performance.now() - t).toFixed(0), 'ms');
