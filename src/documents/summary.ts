// The summary ("récapitulatif"): one or two pages that say who, where, when, how long and for how
// much, and where the agreement stands — what the seed's "Impression Récapitulatif" prints.
import type { AgreementSnapshot } from '../modules/agreements/agreements.snapshot.js';
import type { PrintLanguage } from '../modules/agreements/agreement.types.js';
import { monthlyTable } from './agreement.articles.js';
import { writerFor } from './agreement.js';
import type { PdfWriter } from './base.js';
import type { CatalogueKey } from './catalogues/index.js';
import { CATALOGUES } from './catalogues/index.js';
import { addressText, datesText, durationText, interruptionsText, lbl, payText, personName, stipendPlan, weekText } from './present.js';
import type { SummaryPdfInput } from './types.js';

/** The state's name in the language (a state the catalogues do not know yet prints as its code). */
function stateText(w: PdfWriter, status: string): string {
  const key = `state${status}`;
  return Object.hasOwn(CATALOGUES.fr, key) ? w.say(key as CatalogueKey) : status;
}

export async function renderSummaryPdf(input: SummaryPdfInput): Promise<Buffer> {
  const { snapshot: s, language: lang } = input;
  const w = writerFor(input, 'summaryTitle', 'summaryFooter');
  const { say, fmt } = w;
  w.title(say('summaryTitle'), `${say('agreementNumber', { number: s.number })} — ${say('academicYear', { year: s.academicYear })}`);
  w.field(say('fStatus'), stateText(w, input.status));
  if (input.submittedAt) w.field(say('fSubmittedAt'), fmt.dateTime(input.submittedAt));
  if (input.validatedAt) w.field(say('fValidatedAt'), fmt.dateTime(input.validatedAt));
  partiesInShort(w, s, lang);
  internshipInShort(w, s, lang);
  figures(w, s, lang);
  return w.finish();
}

function partiesInShort(w: PdfWriter, s: AgreementSnapshot, lang: PrintLanguage) {
  const { say } = w;
  w.heading(say('summaryParties'));
  w.field(say('blockInstitution'), `${s.institution.name} — ${s.centre.name}`);
  w.field(say('blockStudent'), [personName(s.student, lang), s.student.studentNumber, [s.student.programme, s.student.studyYear].filter(Boolean).join(', ')].filter(Boolean).join(' — '));
  w.field(say('blockHost'), [s.organisation.legalName, s.organisation.siret, addressText(s.organisation, lang)].filter(Boolean).join(' — '));
  w.field(say('fRepresentative'), personName(s.signatory, lang, true));
  w.field(say('fService'), s.service?.name);
  w.field(say('fCompanyTutor'), personName(s.companyTutor, lang, true));
  w.field(say('fAcademicTutor'), s.academicTutor ? `${s.academicTutor.firstName} ${s.academicTutor.lastName}` : '');
}

function internshipInShort(w: PdfWriter, s: AgreementSnapshot, lang: PrintLanguage) {
  const { say, fmt } = w;
  const i = s.internship;
  w.heading(say('summaryInternship'));
  w.field(say('fType'), lbl(i.type, lang));
  w.field(say('fSubject'), i.subject);
  w.field(say('fPlace'), addressText(s.place, lang));
  w.field(say('fDates'), datesText(i.startDate, i.endDate, say, fmt));
  w.field(say('fInterruptions'), interruptionsText(i, say, fmt));
  w.field(say('fWeekly'), weekText(i.schedule, say, fmt));
  w.field(say('fWorkingTime'), lbl(i.workingTime, lang));
  w.field(say('fConfidential'), say(i.confidential ? 'yes' : 'no'));
}

function figures(w: PdfWriter, s: AgreementSnapshot, lang: PrintLanguage) {
  const { say, fmt } = w;
  const plan = stipendPlan(s.internship, s.legal?.result ?? null);
  const money = (n: number) => fmt.money(n, plan.currency);
  w.heading(say('summaryFigures'));
  if (s.legal) w.field(say('fPresence'), durationText(s.legal.result, say, fmt));
  w.field(say('fStipendDue'), say(s.legal?.result.stipend.due ? 'yes' : 'no'));
  w.field(say('fPay'), payText(s.internship, lang, say, fmt, plan.currency));
  if (s.legal?.result.stipend.due) w.field(say('fMinimumTotal'), money(plan.totalMinimum));
  if (plan.totalAgreed !== null) w.field(say('fAgreedTotal'), money(plan.totalAgreed));
  if (plan.months.length > 1 && plan.varies) monthlyTable(w, plan);
}
