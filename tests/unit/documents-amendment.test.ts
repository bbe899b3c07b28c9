import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { changedTutors, renderAmendmentPdf, type AmendmentPdfInput, type SignatureLine } from '../../src/documents/index.js';
import type { PrintLanguage } from '../../src/modules/agreements/agreement.types.js';
import { amendedSnapshots, detailRows, flat, hasPdftotext, pdfText } from '../factories/documents.js';
import { schedule } from '../factories/legal.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

type Amendment = AmendmentPdfInput['amendment'];
const REASON = "Prolongation demandée par l'organisme d'accueil";

/** The amendment's input: the agreement's copy before and after `changes`, and the amendment itself. */
function amendment(changes: Record<string, unknown>, a: Partial<Amendment> = {}, extra: Partial<AmendmentPdfInput> = {}, over: Record<string, unknown> = {}): AmendmentPdfInput {
  return {
    ...amendedSnapshots(changes, over),
    language: 'fr',
    amendment: { seq: 2, reason: REASON, kinds: [], otherText: null, termination: null, ...a },
    ...extra,
  };
}

const render = async (input: AmendmentPdfInput, layout = true) => flat(pdfText(await renderAmendmentPdf(input), layout));
/** "label Ancienne valeur old Nouvelle valeur new", as pdftotext reads a change back. */
const change = (label: string, old: string, now: string) => `${label} Ancienne valeur ${old} Nouvelle valeur ${now}`;

const NEW_TUTOR = { civility: 'MRS', firstName: 'Claire', lastName: 'Roux', function: 'Responsable R&D', email: 'claire.roux@acme.test', phone: '0472000000' };
const NEW_TEACHER = { firstName: 'Anne', lastName: 'Petit', email: 'anne.petit@uda.test', phone: null };

// The amendment ("avenant") as printed: pdftotext reads back what it changes, old against new.
describe.skipIf(!hasPdftotext)('the printed amendment', () => {
  if (!hasPdftotext) console.warn('pdftotext (poppler-utils) is missing: the amendment renderer tests are skipped');

  // The internship (2 March – 29 May 2026, 35 h a week: 420 h) is extended to 30 June: 574 h.
  const LANGUAGES: [PrintLanguage, { title: string; endDate: string; hours: string; unchanged: string; reason: string }][] = [
    ['fr', { title: 'Avenant n° 2 à la convention de stage', endDate: '30 juin 2026', hours: '3 mois et 16 jours (574 heures)', unchanged: 'Toutes les autres clauses de la convention demeurent inchangées.', reason: "Motif de l'avenant" }],
    ['en', { title: 'Amendment no. 2 to the internship agreement', endDate: '30 June 2026', hours: '3 months and 16 days (574 hours)', unchanged: 'All other clauses of the agreement remain unchanged.', reason: 'Reason for the amendment' }],
    ['de', { title: 'Nachtrag Nr. 2 zur Praktikumsvereinbarung', endDate: '30. Juni 2026', hours: '3 Monate und 16 Tage (574 Stunden)', unchanged: 'Alle übrigen Bestimmungen der Vereinbarung bleiben unverändert.', reason: 'Grund des Nachtrags' }],
    ['es', { title: 'Adenda n.º 2 al convenio de prácticas', endDate: '30 de junio de 2026', hours: '3 meses y 16 días (574 horas)', unchanged: 'Las demás cláusulas del convenio se mantienen sin cambios.', reason: 'Motivo de la adenda' }],
    ['it', { title: 'Atto aggiuntivo n. 2 alla convenzione di tirocinio', endDate: '30 giugno 2026', hours: '3 mesi e 16 giorni (574 ore)', unchanged: 'Tutte le altre clausole della convenzione restano invariate.', reason: "Motivo dell'atto aggiuntivo" }],
  ];

  it.each(LANGUAGES)('prints a period extension in %s', async (language, expected) => {
    const text = await render({ ...amendment({ endDate: utc(2026, 6, 30) }, { kinds: ['period'] }), language });
    expect(text).toContain(expected.title);
    expect(text).toContain('2025-00042');
    expect(text).toContain('2025-2026');
    expect(text).toContain(`${expected.reason} ${REASON}`);
    expect(text).toContain(expected.endDate);
    expect(text).toContain(expected.hours);
    expect(text).toContain(expected.unchanged);
    // The parties, from the agreement's copy.
    expect(text).toContain('Université A — UFR Sciences');
    expect(text).toContain('ACME Lyon');
    expect(text).toContain('Léa Dubois');
    expect(text).toContain('22001234');
  });

  it('prints a period change: the dates, interruptions and schedule that differ, and the recomputed figures', async () => {
    const changes = { startDate: utc(2026, 3, 9), interruptions: [{ from: '2026-04-13', to: '2026-04-17' }], schedule: schedule({ mon: 7, tue: 7, wed: 7, thu: 7 }), daysPerWeek: { toNumber: () => 4 }, workingTime: 'PART_TIME' };
    const text = await render(amendment(changes, { kinds: ['period'] }));
    expect(text).toContain('Article 1 — Période et temps de présence');
    expect(text).toContain(change('Date de début', '2 mars 2026', '9 mars 2026'));
    // The end date is the period's main field: printed though it did not change.
    expect(text).toContain(change('Date de fin', '29 mai 2026', '29 mai 2026'));
    expect(text).toContain(change('Interruptions', 'Aucune', 'du 13 avril 2026 au 17 avril 2026'));
    // (pdftotext may join the last "7 h" of a wrapped value.)
    expect(text).toMatch(/Présence hebdomadaire Ancienne valeur 35 heures par semaine — lundi 7 h, mardi 7 h, mercredi 7 h, jeudi 7 h, vendredi 7 h Nouvelle valeur 28 heures par semaine — lundi 7 h, mardi 7 h, mercredi 7 h, jeudi 7 ?h Jours/);
    expect(text).toContain(change('Jours par semaine', '5', '4'));
    expect(text).toContain(change('Temps de présence', 'Temps plein', 'Temps partiel'));
    expect(text).toContain('Durée et gratification recalculées sur la nouvelle période');
    // 9 March – 29 May, 28 h a week (the factory's engine does not take the interruption off).
    expect(text).toContain(change('Présence effective totale', '2 mois et 16 jours (420 heures)', '2 mois et 1 jour (315 heures)'));
    expect(text).toContain(change('Gratification prévue sur la durée du stage', '1 890,00 €', '1 417,50 €'));
    // Still above 308 h: the stipend was due and still is, so neither that line nor its clause prints.
    expect(text).not.toContain('Gratification obligatoire');
    expect(text).not.toContain('dès le premier jour du stage');
  });

  it('says when an extension crosses 308 hours: the stipend becomes due from the first day', async () => {
    const text = await render(amendment({ endDate: utc(2026, 5, 29) }, { kinds: ['period'] }, {}, { endDate: utc(2026, 3, 27) }));
    expect(text).toContain(change('Date de fin', '27 mars 2026', '29 mai 2026'));
    expect(text).toContain(change('Présence effective totale', '0 mois et 20 jours (140 heures)', '2 mois et 16 jours (420 heures)'));
    expect(text).toContain(change('Gratification obligatoire', 'Non', 'Oui'));
    expect(text).toContain(change('Gratification minimale légale sur la durée du stage', '0,00 €', '1 890,00 €'));
    expect(text).toContain('dépassant 308 heures, une gratification lui est versée chaque mois dès le premier jour du stage');
  });

  it('prints an early termination with its date, its comment and the shorter figures', async () => {
    const text = await render(amendment({ endDate: utc(2026, 4, 30) }, { termination: { on: '2026-04-30', comment: 'Embauche en CDI' } }));
    expect(text).toContain('Résiliation anticipée');
    expect(text).toContain('le stage prend fin le 30 avril 2026');
    expect(text).toContain('Commentaire Embauche en CDI');
    expect(text).toMatch(/Présence effective totale Ancienne valeur 2 mois et 16 jours \(420 heures\) Nouvelle valeur 1 mois et \d+ jours/);
    // No change of any kind: no article.
    expect(text).not.toContain('Article 1');
    expect(text).toContain('Toutes les autres clauses de la convention demeurent inchangées.');
  });

  it('prints the subject, theme, activities and skills that changed, and always the subject', async () => {
    const all = await render(amendment({ subject: 'Migration du site', theme: 'Web', activities: 'Migration, recette', skills: 'Architecture' }, { kinds: ['subject'] }));
    expect(all).toContain('Article 1 — Sujet du stage');
    expect(all).toContain(change('Sujet du stage', 'Refonte du site web', 'Migration du site'));
    expect(all).toContain(change('Thématique', 'Non précisé', 'Web'));
    expect(all).toContain(change('Activités confiées', 'Développement, tests', 'Migration, recette'));
    expect(all).toContain(change('Compétences à acquérir ou à développer', 'Conception web', 'Architecture'));

    const skills = await render(amendment({ skills: 'Architecture' }, { kinds: ['subject'] }));
    expect(skills).toContain(change('Sujet du stage', 'Refonte du site web', 'Refonte du site web'));
    expect(skills).toContain('Architecture');
    expect(skills).not.toContain('Thématique');
    expect(skills).not.toContain('Activités confiées');
  });

  it('prints the pay: amount, unit and method, the planned total, the benefits', async () => {
    const changes = { payAmount: { toNumber: () => 35 }, payUnit: 'DAY', paymentMethod: 'CHEQUE', benefitsMeals: 'Titres-restaurant', benefitsTransport: '50 % du titre de transport', benefitsOther: 'Ordinateur portable' };
    const text = await render(amendment(changes, { kinds: ['pay'] }));
    expect(text).toContain('Article 1 — Gratification et avantages');
    expect(text).toContain(change('Gratification convenue', '4,50 € par heure (Virement bancaire)', '35,00 € par jour (Chèque)'));
    // 420 h × 4.50 €; 60 days of 7 h × 35 €.
    expect(text).toContain(change('Gratification prévue sur la durée du stage', '1 890,00 €', '2 100,00 €'));
    expect(text).toContain(change('Restauration', 'Aucune', 'Titres-restaurant'));
    expect(text).toContain(change('Transport', 'Aucune', '50 % du titre de transport'));
    expect(text).toContain(change('Autres avantages', 'Aucune', 'Ordinateur portable'));
  });

  it('prints the place: service, address and the new company tutor', async () => {
    const service = { name: 'Recherche', sameAddress: false, addressLine1: '3 quai Perrache', addressLine2: null, postalCode: '69002', city: 'Lyon', country: 'FR', phone: null };
    const text = await render(amendment({ service, companyTutor: NEW_TUTOR }, { kinds: ['place'] }));
    expect(text).toContain('Article 1 — Lieu du stage');
    expect(text).toContain(change("Service d'accueil", 'Études', 'Recherche'));
    expect(text).toContain(change('Lieu du stage', '10 rue de la République, 69002 Lyon, France', '3 quai Perrache, 69002 Lyon, France'));
    expect(text).toContain(change("Tuteur dans l'organisme d'accueil", 'M. Bruno Martin, Chef de projet — tutor@acme.test', 'Mme Claire Roux, Responsable R&D — 0472000000 — claire.roux@acme.test'));
    // The same tutor at the new place: no tutor line.
    const sameTutor = await render(amendment({ service }, { kinds: ['place'] }));
    expect(sameTutor).not.toContain("Tuteur dans l'organisme d'accueil");
  });

  it('prints the company tutor, the academic tutor and the other change', async () => {
    const text = await render(amendment({ companyTutor: NEW_TUTOR, academicTutor: NEW_TEACHER }, { kinds: ['other', 'academicTutor', 'companyTutor'], otherText: 'Télétravail le vendredi' }));
    // In the kinds' order, whatever the order given.
    expect(text).toContain("Article 1 — Tuteur dans l'organisme d'accueil Ancienne valeur M. Bruno Martin, Chef de projet — tutor@acme.test Nouvelle valeur Mme Claire Roux, Responsable R&D — 0472000000 — claire.roux@acme.test");
    expect(text).toContain('Article 2 — Enseignant référent Ancienne valeur Paul Durand — teacher@uda.test Nouvelle valeur Anne Petit — anne.petit@uda.test');
    expect(text).toContain('Article 3 — Autre modification Télétravail le vendredi');
  });

  it('has a tutor who changes sign twice, the former and the new one', async () => {
    const text = await render(amendment({ companyTutor: NEW_TUTOR, academicTutor: NEW_TEACHER }, { kinds: ['companyTutor', 'academicTutor'] }), false);
    expect(text).toContain("L'ancien tuteur dans l'organisme d'accueil M. Bruno Martin, Chef de projet");
    expect(text).toContain("Le nouveau tuteur dans l'organisme d'accueil Mme Claire Roux, Responsable R&D");
    expect(text).toContain("L'ancien enseignant référent Paul Durand");
    expect(text).toContain('Le nouvel enseignant référent Anne Petit');
    expect(text).toContain("Le stagiaire Mme Léa Dubois");
    expect(text).not.toContain("Le tuteur dans l'organisme d'accueil");

    // The same tutor with a new phone signs once; a tutor changed without the tutor's kind, once.
    const phone = await render(amendment({ companyTutor: { ...detailRows().companyTutor, phone: '0472999999' } }, { kinds: ['companyTutor'] }), false);
    expect(phone).toContain("Le tuteur dans l'organisme d'accueil M. Bruno Martin, Chef de projet");
    expect(phone).not.toContain("L'ancien tuteur");

    // Only the signers asked for, in their order.
    const some = await render(amendment({ companyTutor: NEW_TUTOR }, { kinds: ['place'] }, { signers: ['student', 'companyTutor', 'institution'] }), false);
    expect(some).toMatch(/Le stagiaire .*L'ancien tuteur .*Le nouveau tuteur .*Pour l'établissement d'enseignement/);
    expect(some).not.toContain("Pour l'organisme d'accueil");
  });

  it('tells which tutors change', () => {
    const { before, snapshot } = amendedSnapshots({ companyTutor: NEW_TUTOR, academicTutor: NEW_TEACHER });
    expect(changedTutors(before, snapshot, ['companyTutor', 'academicTutor'])).toEqual({ companyTutor: true, academicTutor: true });
    expect(changedTutors(before, snapshot, ['place'])).toEqual({ companyTutor: true, academicTutor: false });
    expect(changedTutors(before, snapshot, ['subject', 'other'])).toEqual({ companyTutor: false, academicTutor: false });
    // A tutor named where there was none is no change of person (one box, the new tutor).
    const first = amendedSnapshots({ companyTutor: NEW_TUTOR }, { companyTutor: null });
    expect(changedTutors(first.before, first.snapshot, ['companyTutor']).companyTutor).toBe(false);
  });

  it('ends with the record of the signatures when they are given, the former and new tutor both listed', async () => {
    const signatures: SignatureLine[] = [
      { party: 'student', name: 'Léa Dubois', signedAt: new Date('2026-06-01T09:30:00Z'), channel: 'ACCOUNT', ip: '203.0.113.7', userAgent: 'Firefox/140.0', pdfSha256: 'c'.repeat(64) },
      { party: 'companyTutor', name: 'Bruno Martin', signedAt: new Date('2026-06-02T10:00:00Z'), channel: 'LINK', ip: '198.51.100.2', userAgent: 'Safari/605.1.15', pdfSha256: 'c'.repeat(64) },
      { party: 'companyTutor', name: 'Claire Roux', signedAt: new Date('2026-06-03T10:00:00Z'), channel: 'PAPER' },
    ];
    const input = amendment({ companyTutor: NEW_TUTOR }, { kinds: ['companyTutor'] });
    const plain = pdfText(await renderAmendmentPdf(input)).split('\f').filter((p) => p.trim());
    const signed = await renderAmendmentPdf({ ...input, signatures });
    const pages = pdfText(signed).split('\f').filter((p) => p.trim());
    expect(pages.length).toBe(plain.length + 1);
    const last = flat(pages.at(-1)!);
    expect(last).toContain('Registre des signatures');
    expect(last).toContain('Le stagiaire — Léa Dubois');
    expect(last).toContain("Le tuteur dans l'organisme d'accueil — Bruno Martin");
    expect(last).toContain("Le tuteur dans l'organisme d'accueil — Claire Roux");
    // Paris time: 09:30 UTC is 11:30 in June.
    expect(last).toContain('1 juin 2026 à 11:30');
    expect(last).toContain('Sur papier (document numérisé)');
    expect(last).toContain('c'.repeat(64));
    expect(last).toContain('Avenant n° 2 — convention n° 2025-00042 — page');
  });

  it('gives the same bytes for the same input, and other bytes for another reason or number', async () => {
    const input = amendment({ endDate: utc(2026, 6, 30) }, { kinds: ['period'] });
    const a = await renderAmendmentPdf(input);
    expect(sha(await renderAmendmentPdf(amendment({ endDate: utc(2026, 6, 30) }, { kinds: ['period'] })))).toBe(sha(a));
    expect(sha(await renderAmendmentPdf({ ...input, amendment: { ...input.amendment, reason: 'Autre motif' } }))).not.toBe(sha(a));
    expect(sha(await renderAmendmentPdf({ ...input, amendment: { ...input.amendment, seq: 3 } }))).not.toBe(sha(a));
  });

  it('prints names with Ł, ş, ț and Cyrillic letters intact', async () => {
    const student = { ...detailRows().student, user: { ...detailRows().student.user, firstName: 'Łucja', lastName: 'Şerban-Țepeș Жукова' } };
    const tutor = { ...NEW_TUTOR, civility: 'MR', firstName: 'Łukasz', lastName: 'Ţăranu Жуков' };
    const input = amendment({ companyTutor: tutor }, { kinds: ['companyTutor'], reason: 'Замена наставника — Ștefan pleacă' }, {}, { student });
    const text = await render(input);
    expect(text).toContain('Mme Łucja Şerban-Țepeș Жукова');
    expect(text).toContain('M. Łukasz Ţăranu Жуков, Responsable R&D');
    expect(text).toContain('Замена наставника — Ștefan pleacă');
    expect(await render(input, false)).toContain("Le nouveau tuteur dans l'organisme d'accueil M. Łukasz Ţăranu Жуков");
  });
});
