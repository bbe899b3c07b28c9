// Printed documents in tests: an agreement's copy built by the real buildSnapshot from the rows it
// reads (no database: the rows are written here) and the legal engine on the seeded parameters,
// and the text of a PDF as pdftotext extracts it.
import { spawnSync } from 'node:child_process';
import { computeInternship } from '../../src/legal/engine.js';
import { scheduleOf } from '../../src/modules/agreements/agreements.legal.js';
import { buildSnapshot, type AgreementDetail, type AgreementSnapshot } from '../../src/modules/agreements/agreements.snapshot.js';
import { CalendarDate } from '../../src/time/calendar.js';
import { day, fullTime, SEEDED_PARAMETERS } from './legal.js';

const address = (line: string, postalCode: string, city: string, country = 'FR') => ({ addressLine1: line, addressLine2: null, postalCode, city, country });
const decimal = (n: number | null) => (n === null ? null : { toNumber: () => n });

/** The rows buildSnapshot reads, for Léa's internship at ACME (2 March – 29 May 2026, 35 h a week, 4.50 € an hour). */
export function detailRows(over: Record<string, unknown> = {}) {
  return {
    academicYear: '2025-2026',
    seq: 42,
    institution: { name: 'Université A', ...address('1 rue des Écoles', '63000', 'Clermont-Ferrand'), phone: '0473000000', email: 'contact@uda.test' },
    centre: { name: 'UFR Sciences', ...address('24 avenue des Landais', '63170', 'Aubière'), phone: '0473407000', email: 'stages@uda.test' },
    student: {
      studentNumber: '22001234',
      ...address('5 place de Jaude', '63000', 'Clermont-Ferrand'),
      insurance: 'GENERAL',
      healthFund: 'CPAM du Puy-de-Dôme',
      user: { firstName: 'Léa', lastName: 'Dubois', email: 'lea.dubois@etu.test', phone: '0601020304', civility: 'MRS' },
    },
    studyYear: { name: 'Licence 3' },
    programme: { name: 'Licence Informatique' },
    offer: null,
    organisation: { legalName: 'ACME Lyon', siret: '73282932000074', nafCode: '62.01Z', headcount: 'FROM_50_TO_249', structureType: 'COMPANY', legalStatus: 'SAS', ...address('10 rue de la République', '69002', 'Lyon'), phone: '0478000000', email: 'contact@acme.test' },
    service: { name: 'Études', sameAddress: true, ...address('', '', ''), phone: null },
    companyTutor: { civility: 'MR', firstName: 'Bruno', lastName: 'Martin', function: 'Chef de projet', email: 'tutor@acme.test', phone: null },
    signatory: { civility: 'MRS', firstName: 'Sophie', lastName: 'Leroy', function: 'Directrice', email: null, phone: null },
    academicTutor: { firstName: 'Paul', lastName: 'Durand', email: 'teacher@uda.test', phone: null },
    type: 'MANDATORY',
    subject: 'Refonte du site web',
    theme: null,
    activities: 'Développement, tests',
    skills: 'Conception web',
    startDate: day('2026-03-02').toDb(),
    endDate: day('2026-05-29').toDb(),
    interruptions: [],
    schedule: fullTime(7),
    daysPerWeek: decimal(5),
    workingTime: 'FULL_TIME',
    nightPresence: null,
    sundayPresence: null,
    holidayPresence: null,
    payAmount: decimal(4.5),
    payUnit: 'HOUR',
    currency: 'EUR',
    paymentMethod: 'BANK_TRANSFER',
    benefitsMeals: null,
    benefitsTransport: null,
    benefitsOther: null,
    leaveTerms: '2 jours par mois',
    supervisionTerms: null,
    confidential: false,
    printLanguage: 'fr',
    rulesCountry: 'FR',
    holidaysCountry: 'FR',
    ...over,
  };
}

/** The copy of an agreement made of `detailRows(over)`, with the engine's result signed on `signedOn`. */
export function sampleSnapshot(over: Record<string, unknown> = {}, signedOn = '2026-02-10'): AgreementSnapshot {
  const rows = detailRows(over) as unknown as AgreementDetail;
  const result = computeInternship({
    start: CalendarDate.fromDb(rows.startDate),
    end: CalendarDate.fromDb(rows.endDate),
    schedule: scheduleOf(rows.schedule),
    interruptions: [],
    rulesCountry: rows.rulesCountry,
    holidaysCountry: rows.holidaysCountry,
    signedOn: day(signedOn),
    previousHours: 0,
    parameters: SEEDED_PARAMETERS,
  });
  return buildSnapshot(rows, { result, previousHours: 0, signedOn: day(signedOn) });
}

/** Whether pdftotext (poppler-utils) can be run here. */
export const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;

/**
 * The PDF's text as `pdftotext -layout` gives it, pages separated by form feeds; without the layout
 * (`layout` false), in reading order: side-by-side boxes come one after the other, each whole.
 */
export function pdfText(pdf: Buffer, layout = true): string {
  const r = spawnSync('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', '-', '-'], { input: pdf, maxBuffer: 32 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr.toString()}`);
  return r.stdout.toString('utf8');
}

/** The same text with every run of spaces (narrow and no-break ones included) made one space: what assertions compare. */
export function flat(text: string): string {
  return text.replace(/[\s\u00a0\u202f]+/g, ' ');
}

/**
 * An agreement's copy before an amendment and after it: `changes` are the rows the amendment gives
 * new values (the legal engine runs again on them, as it does when an amendment is validated).
 */
export function amendedSnapshots(changes: Record<string, unknown>, over: Record<string, unknown> = {}) {
  return { before: sampleSnapshot(over), snapshot: sampleSnapshot({ ...over, ...changes }) };
}
