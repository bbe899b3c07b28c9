import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderAttestationPdf } from '../../src/documents/index.js';
import { flat, hasPdftotext, pdfText, sampleSnapshot } from '../factories/documents.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// The attestation de stage (art. D124-9): pdftotext reads back what the host certifies.
describe.skipIf(!hasPdftotext)('the attestation de stage', () => {
  if (!hasPdftotext) console.warn('pdftotext (poppler-utils) is missing: the attestation tests are skipped');

  it('states the host, the intern, the course, the dates, the duration in the law units, the stipend paid and the pension note', async () => {
    // 2 March – 29 May 2026, 35 h a week: 420 h of presence = 60 days (7 h) = 2 months (22 days) and 16 days.
    const pdf = await renderAttestationPdf({ snapshot: sampleSnapshot(), language: 'fr', stipendPaid: 1921.5, issuedOn: '2026-06-05', place: 'Lyon' });
    const text = flat(pdfText(pdf));
    expect(text).toContain('Attestation de stage');
    expect(text).toContain('Article D124-9');
    expect(text).toContain('ACME Lyon');
    expect(text).toContain('73282932000074');
    expect(text).toContain('Mme Léa Dubois');
    expect(text).toContain('Licence Informatique — Licence 3');
    expect(text).toContain('du 2 mars 2026 au 29 mai 2026');
    expect(text).toContain('2 mois et 16 jours (420 heures), soit 60 jours au total');
    expect(text).toContain('7 heures de présence font un jour, 22 jours font un mois');
    // The label wraps in its column: its words, then the amount beside them.
    expect(text).toMatch(/Montant total de la 1 921,50 € gratification versée/);
    expect(text).toContain('dans la limite de deux trimestres');
    expect(text).toContain('Fait à Lyon, le 5 juin 2026');
    expect(text).toContain("Le représentant de l'organisme d'accueil");
    expect(text).toContain('Mme Sophie Leroy, Directrice');
    expect(text).toContain('convention n° 2025-00042 — page 1 / 1');
  });

  it('says when no stipend was paid, and speaks the agreement language', async () => {
    const snapshot = sampleSnapshot({ endDate: new Date(Date.UTC(2026, 3, 30)), payAmount: null, payUnit: null });
    const text = flat(pdfText(await renderAttestationPdf({ snapshot, language: 'de', stipendPaid: null })));
    expect(text).toContain('Praktikumsbescheinigung');
    expect(text).toContain('Keine Vergütung gezahlt');
    expect(text).toContain('bis zu zwei Quartale');
    // Done on the internship last day (the default), at the town of its place.
    expect(text).toContain('Ausgestellt in Lyon am 30. April 2026');
  });

  it('gives the same bytes for the same input, and other bytes for another stipend', async () => {
    const snapshot = sampleSnapshot();
    const a = await renderAttestationPdf({ snapshot, language: 'it', stipendPaid: 1000 });
    const b = await renderAttestationPdf({ snapshot, language: 'it', stipendPaid: 1000 });
    const c = await renderAttestationPdf({ snapshot, language: 'it', stipendPaid: 1001 });
    expect(sha(a)).toBe(sha(b));
    expect(sha(c)).not.toBe(sha(a));
  });
});
