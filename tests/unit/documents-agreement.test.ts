import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderAgreementPdf, type SignatureLine } from '../../src/documents/index.js';
import { detailRows, flat, hasPdftotext, pdfText, sampleSnapshot } from '../factories/documents.js';

const text = async (over: Record<string, unknown>, extra: Partial<Parameters<typeof renderAgreementPdf>[0]> = {}) =>
  flat(pdfText(await renderAgreementPdf({ snapshot: sampleSnapshot(over), language: 'fr', ...extra })));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const SIGNATURES: SignatureLine[] = [
  { party: 'student', name: 'Léa Dubois', signedAt: new Date('2026-02-11T09:30:00Z'), channel: 'ACCOUNT', ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', pdfSha256: 'a'.repeat(32) + '0123456789abcdef'.repeat(2) },
  { party: 'hostSignatory', name: 'Sophie Leroy', signedAt: new Date('2026-02-12T15:05:00Z'), channel: 'LINK', ip: '2001:db8::1', userAgent: 'Mozilla/5.0 (Macintosh) Safari/605.1.15', pdfSha256: 'f'.repeat(64) },
  { party: 'academicTutor', name: 'Paul Durand', signedAt: new Date('2026-02-13T08:00:00Z'), channel: 'PAPER' },
];

// The agreement's variable parts, read back with pdftotext (the text and the article variants).
describe.skipIf(!hasPdftotext)('the printed agreement', () => {
  if (!hasPdftotext) console.warn('pdftotext (poppler-utils) is missing: the agreement renderer tests are skipped');

  it('ends with a page recording each signature when signatures are given', async () => {
    const snapshot = sampleSnapshot();
    const plain = await renderAgreementPdf({ snapshot, language: 'fr' });
    const signed = await renderAgreementPdf({ snapshot, language: 'fr', signatures: SIGNATURES });
    const pages = pdfText(signed).split('\f').filter((p) => p.trim());
    expect(pages.length).toBe(pdfText(plain).split('\f').filter((p) => p.trim()).length + 1);
    const last = flat(pages.at(-1)!);
    expect(last).toContain('Registre des signatures');
    expect(last).toContain('Le stagiaire — Léa Dubois');
    expect(last).toContain("Pour l'organisme d'accueil — Sophie Leroy");
    expect(last).toContain("L'enseignant référent — Paul Durand");
    // Paris time: 09:30 UTC is 10:30 in February.
    expect(last).toContain('11 février 2026 à 10:30');
    expect(last).toContain('En ligne, depuis son compte');
    expect(last).toContain('En ligne, par un lien reçu par courriel');
    expect(last).toContain('Sur papier (document numérisé)');
    expect(last).toContain('2001:db8::1');
    expect(last).toContain('Firefox/140.0');
    expect(last).toContain(SIGNATURES[0].pdfSha256!);
    expect(last).toContain('f'.repeat(64));
    // The same signatures give the same bytes.
    expect(sha(await renderAgreementPdf({ snapshot, language: 'fr', signatures: SIGNATURES }))).toBe(sha(signed));
  });

  it('prints the private or the public variant of article 5', async () => {
    expect(await text({})).toContain('Organisme de droit privé');
    const pub = await text({ organisation: { ...detailRows().organisation, structureType: 'PUBLIC_ADMINISTRATION', legalStatus: 'PUBLIC_BODY' } });
    expect(pub).toContain('Organisme de droit public');
    expect(pub).not.toContain('Organisme de droit privé');
  });

  it('prints the social protection case the stipend falls in, and the cover abroad', async () => {
    const atMinimum = await text({});
    expect(atMinimum).toContain('Gratification au plus égale au montant exonéré');
    expect(atMinimum).not.toContain("Stage à l'étranger");
    const above = await text({ payAmount: { toNumber: () => 5 } });
    expect(above).toContain('Gratification supérieure au montant exonéré');
    expect(above).toContain('2 100,00 €'); // 420 h × 5 €
    const none = await text({ payAmount: null, payUnit: null });
    expect(none).toContain('Aucune gratification convenue');
    expect(none).toContain('Gratification au plus égale au montant exonéré');

    const abroad = await text({ service: { name: 'Berlin', sameAddress: false, addressLine1: 'Unter den Linden 1', addressLine2: null, postalCode: '10117', city: 'Berlin', country: 'DE', phone: null }, holidaysCountry: 'DE' });
    expect(abroad).toContain("Stage à l'étranger : frais de santé");
    expect(abroad).toContain('hors de France (Allemagne)');
    expect(abroad).toContain("Stage à l'étranger : accidents du travail");
  });

  it("follows the law of the host's country: no French stipend rule, a sentence on its mandatory rules", async () => {
    const be = await text({ rulesCountry: 'BE', organisation: { ...detailRows().organisation, country: 'BE' } });
    expect(be).toContain("ne rend pas la gratification obligatoire");
    expect(be).toContain("relevant du droit d'un autre pays (Belgique)");
  });

  it('says a short internship need not be paid, and prints interruptions, special presence and confidentiality', async () => {
    const t = await text({
      startDate: new Date(Date.UTC(2026, 2, 2)),
      endDate: new Date(Date.UTC(2026, 2, 27)),
      interruptions: [{ from: '2026-03-16', to: '2026-03-17' }],
      nightPresence: 'Deux nuits de garde',
      confidential: true,
    });
    expect(t).toContain('ne dépassant pas 308 heures');
    expect(t).toContain('Interruptions du 16 mars 2026 au 17 mars 2026');
    expect(t).toContain('Présence de nuit Deux nuits de garde');
    expect(t).toContain('Le stage est déclaré confidentiel');
  });

  it('prints the stipend per day month by month, and only the chosen signers', async () => {
    const t = await text({ payAmount: { toNumber: () => 35 }, payUnit: 'DAY' }, { signers: ['student', 'hostSignatory'] });
    expect(t).toContain('35,00 € par jour');
    // March: 22 days of 7 h (154 h) × 35 €.
    expect(t).toMatch(/mars 2026 154 693,00 € 770,00 €/);
    expect(t).toContain("Pour l'organisme d'accueil");
    expect(t).not.toContain("Pour l'établissement d'enseignement");
  });
});
