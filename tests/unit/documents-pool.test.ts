import { createHash } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeDocumentWorkers, configureDocumentWorkers, renderAgreementPdf, renderSummaryPdf } from '../../src/documents/index.js';
import { documentWorkers } from '../../src/documents/pool.js';
import { RENDERERS } from '../../src/documents/renderers.js';
import { sampleSnapshot } from '../factories/documents.js';
import { PNG_1PX } from '../factories/institutions.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// PDFs are rendered by worker threads (src/documents/pool.ts), off the requests' thread: the bytes
// must be the ones the renderer gives on the calling thread (a signer's hash depends on them).
describe('the document workers', () => {
  afterEach(() => configureDocumentWorkers(1));
  afterAll(closeDocumentWorkers);

  it('render in a worker thread the same bytes as on the calling thread, logo included', async () => {
    configureDocumentWorkers(1);
    const input = { snapshot: sampleSnapshot(), language: 'fr' as const, logo: PNG_1PX };
    const fromWorker = await renderAgreementPdf(input);
    expect(documentWorkers()).toBe(1);
    expect(Buffer.isBuffer(fromWorker)).toBe(true);
    expect(sha(fromWorker)).toBe(sha(await RENDERERS.agreement(input)));
    // 0 workers: the calling thread renders, the same bytes.
    configureDocumentWorkers(0);
    expect(sha(await renderAgreementPdf(input))).toBe(sha(fromWorker));
  });

  it('share documents in flight between the workers, each answer to its own request', async () => {
    configureDocumentWorkers(2);
    const languages = ['fr', 'en', 'de', 'es', 'it'] as const;
    const snapshot = sampleSnapshot();
    const pdfs = await Promise.all(languages.map((language) => renderSummaryPdf({ snapshot, language, status: 'VALIDATED' })));
    expect(documentWorkers()).toBe(2);
    const inline = await Promise.all(languages.map((language) => RENDERERS.summary({ snapshot, language, status: 'VALIDATED' })));
    expect(pdfs.map(sha)).toEqual(inline.map(sha));
  });

  it('turn a renderer error into a rejected promise, and a worker ended mid-way into a failure the next document survives', async () => {
    configureDocumentWorkers(1);
    // A snapshot without its parties: the renderer throws, in the worker.
    await expect(renderAgreementPdf({ snapshot: {} as never, language: 'fr' })).rejects.toThrow(/document rendering failed/);
    const input = { snapshot: sampleSnapshot(), language: 'en' as const };
    const failed = expect(renderAgreementPdf(input)).rejects.toThrow(/document worker exited/);
    await closeDocumentWorkers();
    await failed;
    expect(documentWorkers()).toBe(0);
    // A new worker starts for the next one.
    expect(sha(await renderAgreementPdf(input))).toBe(sha(await RENDERERS.agreement(input)));
  });
});
