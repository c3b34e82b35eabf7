// Entry of a parse worker thread: plain JavaScript, so that it loads under any runner (the CLI,
// vitest), registers tsx in the thread and then loads the TypeScript worker named by the pool.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
