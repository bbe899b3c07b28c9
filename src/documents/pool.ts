// Documents are rendered off the request thread. pdfkit lays out, subsets fonts and compresses a
// whole agreement synchronously (40–50 ms of CPU), and while it runs no other request of the
// instance moves: under load those blocks made the p95 of every page (the load run's sheet page
// 516 ms at p95 with PDFs in the mix, 51 ms without). A few worker threads render them instead; the
// bytes are the same (same code, same fonts: a signer's hash still matches).
// The pool belongs to the process, as the fonts do: started at the first document, sized by
// configureDocumentWorkers (PDF_WORKERS; 0 renders on the calling thread), ended by closeDocumentWorkers.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RENDERERS, type DocumentKind, type RenderInput } from './renderers.js';
import type { RenderReply, RenderRequest } from './worker.js';

type Pending = { resolve: (pdf: Buffer) => void; reject: (err: Error) => void };
interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

let size = 1;
let slots: Slot[] = [];
let next = 0;
let ids = 0;

/** How many worker threads render documents (0: none, the caller's thread renders). */
export function configureDocumentWorkers(n: number) {
  size = n;
}

/** Starts the workers ahead of the first document (the app's start). */
export function startDocumentWorkers() {
  while (slots.length < size) slots.push(start());
}

/** Ends the workers (a document asked later starts them again). */
export async function closeDocumentWorkers() {
  const ending = slots;
  slots = [];
  await Promise.all(ending.map((s) => s.worker.terminate()));
}

/** The PDF of `kind` for `input`, rendered by a worker thread when there are any. */
export async function renderDocument<K extends DocumentKind>(kind: K, input: RenderInput<K>): Promise<Buffer> {
  if (size <= 0) return (RENDERERS[kind] as (i: RenderInput<K>) => Promise<Buffer>)(input);
  // The slot with the fewest documents in flight (round robin among equals).
  const slot = pick();
  const id = ++ids;
  return new Promise<Buffer>((resolve, reject) => {
    slot.pending.set(id, { resolve, reject });
    // A worker waited on keeps the process alive; an idle one does not (unref in settle()).
    slot.worker.ref();
    slot.worker.postMessage({ id, kind, input } satisfies RenderRequest);
  });
}

function pick(): Slot {
  startDocumentWorkers();
  let best = slots[next++ % slots.length];
  for (const s of slots) if (s.pending.size < best.pending.size) best = s;
  return best;
}

function start(): Slot {
  // From TypeScript sources (tsx), the worker is started through worker-boot.mjs (see there).
  const file = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  const worker = file.pathname.endsWith('.ts') ? new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { file: file.href } }) : new Worker(file);
  const slot: Slot = { worker, pending: new Map() };
  worker.unref();
  worker.on('message', (reply: RenderReply) => {
    const p = slot.pending.get(reply.id);
    if (!p) return;
    slot.pending.delete(reply.id);
    if ('error' in reply) p.reject(new Error(`document rendering failed: ${reply.error}`));
    else p.resolve(Buffer.from(reply.pdf.buffer, reply.pdf.byteOffset, reply.pdf.byteLength));
    if (!slot.pending.size) worker.unref();
  });
  // A worker that dies fails what it held; the next document starts a new one.
  const fail = (err: Error) => {
    slots = slots.filter((s) => s !== slot);
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`document worker exited (${code})`)));
  return slot;
}

/** How many worker threads are running (started at the first document). */
export const documentWorkers = () => slots.length;
