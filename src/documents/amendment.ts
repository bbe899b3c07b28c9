// An amendment ("avenant") to a validated agreement, as printed and signed: the agreement it
// amends and its parties, the reason, an early termination, then one article per kind of change
// with each field's old and new value (only the fields that differ, and always the kind's main
// one), the period's recomputed legal figures, the clause that the rest stays as it was, and the
// signature block — where a tutor who changes signs twice, the former and the new one.
import type { PrintLanguage } from '../modules/agreements/agreement.types.js';
import type { AgreementSnapshot } from '../modules/agreements/agreements.snapshot.js';
import { PARTY_KEYS, signatureBlock, signaturePage, signerName, writerFor } from './agreement.js';
import type { PdfWriter } from './base.js';
import type { CatalogueKey } from './catalogues/index.js';
import { academicTutorText, addressText, companyTutorText, durationText, interruptionsText, lbl, payText, personName, stipendPlan, weekText } from './present.js';
import { AMENDMENT_KINDS, SIGNATURE_PARTIES, type AmendmentKind, type AmendmentPdfInput } from './types.js';

/** The amendment's PDF in `language`: the same input gives the same bytes. */
export async function renderAmendmentPdf(input: AmendmentPdfInput): Promise<Buffer> {
  const { snapshot: s, language: lang, amendment: a } = input;
  const w = writerFor(input, 'amendmentTitle', 'amendmentFooter', { seq: a.seq });
  const { say, fmt } = w;
  w.title(say('amendmentTitle', { seq: a.seq }), `${say('agreementNumber', { number: s.number })} — ${say('academicYear', { year: s.academicYear })}`);
  parties(w, s, lang);
  w.heading(say('amReasonTitle'));
  w.paragraph(a.reason);
  const kinds = AMENDMENT_KINDS.filter((k) => a.kinds.includes(k));
  const change: Change = { w, before: input.before, after: s, lang, kinds, withFigures: kinds.includes('period') || !!a.termination };
  if (a.termination) {
    w.heading(say('amTerminationTitle'));
    w.paragraph(say('amTermination', { date: fmt.date(a.termination.on) }));
    if (a.termination.comment) w.field(say('amComment'), a.termination.comment);
    // A shorter internship has other figures; the period's article prints them when there is one.
    if (!kinds.includes('period')) figures(change);
  }
  if (kinds.length) w.paragraph(say('amChangesIntro'));
  kinds.forEach((kind, n) => {
    w.heading(say('articleHeading', { n: n + 1, title: say(KIND_TITLES[kind]) }));
    if (kind === 'other') w.paragraph(a.otherText || say('notSpecified'));
    else CHANGES[kind](change);
  });
  w.doc.moveDown(0.3);
  w.paragraph(say('amUnchanged'));
  signatureBlock(w, signatureBoxes(w, input));
  if (input.signatures?.length) signaturePage(w, input.signatures);
  return w.finish();
}

/**
 * Which tutors change, and so sign twice (the former and the new one): the company tutor when the
 * place or the tutor is amended, the academic tutor when they are; a tutor where there was none
 * (or none left) is no change of person. The same person with a new phone or function is not either.
 */
export function changedTutors(before: AgreementSnapshot, after: AgreementSnapshot, kinds: readonly AmendmentKind[]) {
  return {
    companyTutor: (kinds.includes('place') || kinds.includes('companyTutor')) && otherPerson(before.companyTutor, after.companyTutor),
    academicTutor: kinds.includes('academicTutor') && otherPerson(before.academicTutor, after.academicTutor),
  };
}

type Person = { firstName: string; lastName: string; email?: string | null } | null;
const identity = (p: NonNullable<Person>) => [p.firstName, p.lastName, p.email ?? ''].map((x) => x.trim().toLowerCase()).join('\n');
const otherPerson = (a: Person, b: Person) => !!a && !!b && identity(a) !== identity(b);

/** The agreement amended and its parties, from the amended copy. */
function parties(w: PdfWriter, s: AgreementSnapshot, lang: PrintLanguage) {
  const { say } = w;
  w.paragraph(say('amendmentIntro', { number: s.number }));
  w.field(say('blockInstitution'), [s.institution.name, s.centre.name].filter(Boolean).join(' — '));
  w.field(say('blockHost'), s.organisation.legalName);
  w.field(say('fRepresentative'), personName(s.signatory, lang, true));
  w.field(say('blockStudent'), personName(s.student, lang));
  w.field(say('fStudentNumber'), s.student.studentNumber);
}

const KIND_TITLES: Record<AmendmentKind, CatalogueKey> = {
  subject: 'fSubject',
  period: 'amKindPeriod',
  pay: 'art5Title',
  place: 'fPlace',
  companyTutor: 'fCompanyTutor',
  academicTutor: 'fAcademicTutor',
  other: 'amKindOther',
};

interface Change {
  w: PdfWriter;
  before: AgreementSnapshot;
  after: AgreementSnapshot;
  lang: PrintLanguage;
  kinds: AmendmentKind[];
  /** The recomputed legal figures are printed (a period change, a termination). */
  withFigures: boolean;
}

/** One field of a change: what a copy shows of it; `main`: printed even when it did not change. */
interface Entry {
  label: CatalogueKey;
  show: (s: AgreementSnapshot) => string;
  main?: boolean;
}

/**
 * The entries that differ between the two copies (and the main ones), each as the old value and
 * the new one; under its field's name unless the article's title already is that name.
 */
function compare(c: Change, entries: Entry[], titled = true) {
  const { w } = c;
  for (const e of entries) {
    const old = e.show(c.before);
    const now = e.show(c.after);
    if (old === now && !e.main) continue;
    if (titled) w.heading(w.say(e.label), 2);
    w.field(w.say('amOld'), old);
    w.field(w.say('amNew'), now);
  }
}

const CHANGES: Record<Exclude<AmendmentKind, 'other'>, (c: Change) => void> = {
  subject: (c) =>
    compare(c, [
      { label: 'fSubject', show: (s) => s.internship.subject ?? '', main: true },
      { label: 'fTheme', show: (s) => s.internship.theme ?? '' },
      { label: 'fActivities', show: (s) => s.internship.activities ?? '' },
      { label: 'fSkills', show: (s) => s.internship.skills ?? '' },
    ]),
  period,
  pay: (c) => {
    const { say, fmt } = c.w;
    const benefit = (x: string | null) => x || say('none');
    compare(c, [
      { label: 'fPay', show: (s) => payText(s.internship, c.lang, say, fmt, currencyOf(s)), main: true },
      // The planned total moves with the period too: printed once, with the legal figures then.
      ...(c.withFigures ? [] : [{ label: 'fAgreedTotal' as const, show: agreedTotal(c) }]),
      { label: 'fMeals', show: (s) => benefit(s.internship.benefitsMeals) },
      { label: 'fTransport', show: (s) => benefit(s.internship.benefitsTransport) },
      { label: 'fOtherBenefits', show: (s) => benefit(s.internship.benefitsOther) },
    ]);
  },
  place: (c) =>
    compare(c, [
      { label: 'fService', show: (s) => s.service?.name ?? '', main: true },
      { label: 'fPlace', show: (s) => addressText(s.place, c.lang), main: true },
      // The tutor of a new place: here, unless the tutor's own article follows.
      ...(c.kinds.includes('companyTutor') ? [] : [{ label: 'fCompanyTutor' as const, show: (s: AgreementSnapshot) => companyTutorText(s, c.lang) }]),
    ]),
  companyTutor: (c) => compare(c, [{ label: 'fCompanyTutor', show: (s) => companyTutorText(s, c.lang), main: true }], false),
  academicTutor: (c) => compare(c, [{ label: 'fAcademicTutor', show: (s) => academicTutorText(s), main: true }], false),
};

/** Dates, interruptions and schedule; then the legal figures the engine computed for the new period. */
function period(c: Change) {
  const { lang } = c;
  const { say, fmt } = c.w;
  compare(c, [
    { label: 'fStartDate', show: (s) => fmt.date(s.internship.startDate) },
    { label: 'fEndDate', show: (s) => fmt.date(s.internship.endDate), main: true },
    { label: 'fInterruptions', show: (s) => interruptionsText(s.internship, say, fmt) },
    { label: 'fWeekly', show: (s) => weekText(s.internship.schedule, say, fmt) },
    { label: 'fDaysPerWeek', show: (s) => (s.internship.daysPerWeek === null ? '' : fmt.number(s.internship.daysPerWeek)) },
    { label: 'fWorkingTime', show: (s) => lbl(s.internship.workingTime, lang) },
  ]);
  figures(c);
}

/** The legal figures of the amended copy against the old ones: presence and duration, stipend due, totals. */
function figures(c: Change) {
  const { w } = c;
  const { say, fmt } = w;
  const law = c.after.legal?.result;
  if (!law) return;
  w.paragraph(say('amFigures'), { italic: true });
  compare(c, [
    { label: 'fPresence', show: (s) => (s.legal ? durationText(s.legal.result, say, fmt) : ''), main: true },
    { label: 'fStipendDue', show: (s) => (s.legal ? say(s.legal.result.stipend.due ? 'yes' : 'no') : '') },
    { label: 'fMinimumTotal', show: (s) => (s.legal ? fmt.money(stipendPlan(s.internship, s.legal.result).totalMinimum, currencyOf(s)) : '') },
    { label: 'fAgreedTotal', show: agreedTotal(c) },
  ]);
  // An extension past the threshold makes the stipend due from the first day: the clause says so.
  if (law.stipend.due && !c.before.legal?.result.stipend.due) {
    w.paragraph(say('art5Due', { threshold: fmt.number(law.stipend.thresholdHours ?? 0), hourly: fmt.money(law.stipend.hourlyMinimum ?? 0, currencyOf(c.after)) }));
  }
}

const currencyOf = (s: AgreementSnapshot) => stipendPlan(s.internship, s.legal?.result ?? null).currency;

/** The stipend planned over the internship (when the pay's unit gives one). */
const agreedTotal = (c: Change) => (s: AgreementSnapshot) => {
  const plan = stipendPlan(s.internship, s.legal?.result ?? null);
  return plan.totalAgreed === null ? '' : c.w.fmt.money(plan.totalAgreed, plan.currency);
};

/** The agreement's boxes, with a tutor who changes signing twice: the former (old copy) and the new one. */
function signatureBoxes(w: PdfWriter, input: AmendmentPdfInput) {
  const { snapshot: after, before, language: lang } = input;
  const changed = changedTutors(before, after, input.amendment.kinds);
  return (input.signers ?? SIGNATURE_PARTIES).flatMap((p) => {
    if ((p !== 'companyTutor' && p !== 'academicTutor') || !changed[p]) return [{ role: w.say(PARTY_KEYS[p]), name: signerName(after, p, lang) }];
    const [former, next] = TUTOR_ROLES[p];
    return [
      { role: w.say(former), name: signerName(before, p, lang) },
      { role: w.say(next), name: signerName(after, p, lang) },
    ];
  });
}

const TUTOR_ROLES = {
  companyTutor: ['partyCompanyTutorFormer', 'partyCompanyTutorNew'],
  academicTutor: ['partyAcademicTutorFormer', 'partyAcademicTutorNew'],
} as const satisfies Record<string, readonly [CatalogueKey, CatalogueKey]>;
