import { simulate } from './src/sim/simulate.ts';
const t = performance.now();
const s = await simulate({ outDir: process.argv[2]!, durationMs: Number(process.argv[3]), ratePerSecond: Number(process.argv[4] ?? 2), rotateBytes: 8<<20 });
const ms = performance.now() - t;
console.log(s.totalLines, 'lines', s.bytes, 'bytes', ms.toFixed(0), 'ms', Math.round(s.totalLines / ms * 1000), 'lines/s');
