import { readFileSync, readdirSync } from 'node:fs';
import { loadConfig } from './src/config/load.ts';
import { buildPipelines } from './src/pipeline/build.ts';
import { frameText } from './src/pipeline/frame-text.ts';
import { isDeadLetter } from './src/pipeline/processor.ts';
const dir = process.argv[2]!;
const pipelines = buildPipelines(loadConfig('config/demo/mortar.yaml'));
const types: Record<string, number> = {};
let dead = 0, events = 0;
for (const p of pipelines) {
  const sub = p.config.subsystem;
  for (const f of readdirSync(`${dir}/${sub}`)) {
    const recs = frameText(readFileSync(`${dir}/${sub}/${f}`, 'utf8'), p.config.framing);
    recs.forEach((text, i) => {
      const o = p.processor.process({ text, file: f, fileId: f, offset: i, endOffset: i + 1 }, 0);
      if (isDeadLetter(o)) { dead++; if (!text.includes('\uFFFD')) console.log('DEAD', o.reason, text.slice(0, 200)); }
      else { events++; const k = `${sub} ${o.kind} ${o.type} ${o.severity}`; types[k] = (types[k] ?? 0) + 1; }
    });
  }
}
console.log({ dead, events });
console.log(types);
