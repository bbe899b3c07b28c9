// A document worker thread (see pool.ts): renders what the main thread sends, one message per
// document, and answers with its bytes or the renderer's error. Its input arrives structured-cloned
// (a logo's Buffer as a Uint8Array, which pdfkit reads the same).
import { parentPort } from 'node:worker_threads';
import { loadedFonts } from './base.js';
import { RENDERERS, type DocumentKind } from './renderers.js';

export interface RenderRequest {
  id: number;
  kind: DocumentKind;
  input: object;
}
export type RenderReply = { id: number; pdf: Uint8Array } | { id: number; error: string };

parentPort!.on('message', async ({ id, kind, input }: RenderRequest) => {
  let reply: RenderReply;
  try {
    reply = { id, pdf: await (RENDERERS[kind] as (i: object) => Promise<Buffer>)(input) };
  } catch (err) {
    reply = { id, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) };
  }
  parentPort!.postMessage(reply);
});


// The fonts are parsed now, while the app starts, rather than at the first document.
loadedFonts();
