// Starts the document worker (worker.ts) in a worker thread through tsx's API: Node 20 does not
// hand the parent's `--import tsx` loader to worker threads, so TypeScript is loaded from here.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.file, import.meta.url);
