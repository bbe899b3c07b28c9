// Articles 1 to 13 of the printed agreement: the catalogue's clauses (the project's own wording of
// the model agreement's articles) with the agreement's values, its computed presence, duration and
// stipend (month by month when it varies), and the variants the law asks for — a private or public
// host (article 5), a stipend at most or above the exempt minimum and an internship abroad (6).
import type { PrintLanguage } from '../modules/agreements/agreement.types.js';
import type { AgreementSnapshot } from '../modules/agreements/agreements.snapshot.js';
import { label } from '../nomenclatures/index.js';
import type { PdfWriter } from './base.js';
import type { CatalogueKey } from './catalogues/index.js';
import { academicTutorText, companyTutorText, datesText, durationText, interruptionsText, isAbroad, isPublicHost, lbl, payText, personName, scheduleText, stipendPlan, weeklyHours, type StipendPlan } from './present.js';

export function articles(w: PdfWriter, s: AgreementSnapshot, lang: PrintLanguage) {
  const plan = stipendPlan(s.internship, s.legal?.result ?? null);
  const heading = (n: number, title: CatalogueKey) => w.heading(w.say('articleHeading', { n, title: w.say(title) }));
  purpose(w, s, lang, heading);
  terms(w, s, lang, heading);
  heading(5, 'art5Title');
  stipend(w, s, lang, plan);
  heading(6, 'art6Title');
  socialProtection(w, s, lang, plan);
  closing(w, s, lang, heading);
}

type Heading = (n: number, title: CatalogueKey) => void;

/** Articles 1 and 2: the object of the agreement and the internship's aim, subject and tasks. */
function purpose(w: PdfWriter, s: AgreementSnapshot, lang: PrintLanguage, heading: Heading) {
  const { say } = w;
  const i = s.internship;
  heading(1, 'art1Title');
  w.paragraph(say('art1Text', { host: s.organisation.legalName, institution: s.institution.name, student: personName(s.student, lang) }));
  w.field(say('fType'), lbl(i.type, lang));
  heading(2, 'art2Title');
  w.paragraph(say('art2Text'));
  w.field(say('fSubject'), i.subject);
  if (i.theme) w.field(say('fTheme'), i.theme);
  w.field(say('fActivities'), i.activities);
  w.field(say('fSkills'), i.skills);
}

/** Articles 3 and 4: dates, weekly presence, special presence, the computed total; the supervision. */
function terms(w: PdfWriter, s: AgreementSnapshot, lang: PrintLanguage, heading: Heading) {
  const { say, fmt } = w;
  const i = s.internship;
  heading(3, 'art3Title');
  w.paragraph(say('art3Text'));
  w.field(say('fDates'), datesText(i.startDate, i.endDate, say, fmt));
  w.field(say('fWeekly'), say('weeklyValue', { hours: fmt.number(weeklyHours(i.schedule)) }));
  w.field(say('fWorkingTime'), lbl(i.workingTime, lang));
  w.field(say('fSchedule'), scheduleText(i.schedule, say, fmt));
  if (i.daysPerWeek !== null) w.field(say('fDaysPerWeek'), fmt.number(i.daysPerWeek));
  w.field(say('fInterruptions'), interruptionsText(i, say, fmt));
  w.field(say('fNight'), i.nightPresence || say('none'));
  w.field(say('fSunday'), i.sundayPresence || say('none'));
  w.field(say('fHoliday'), i.holidayPresence || say('none'));
  if (s.legal) w.field(say('fPresence'), durationText(s.legal.result, say, fmt));

  heading(4, 'art4Title');
  w.paragraph(say('art4Text'));
  w.field(say('fCompanyTutor'), companyTutorText(s, lang));
  w.field(say('fAcademicTutor'), academicTutorText(s));
  if (i.supervisionTerms) w.field(say('fSupervision'), i.supervisionTerms);
}

/** Article 5: whether the law makes a stipend due, the host's benefits, the amounts month by month. */
function stipend(w: PdfWriter, s: AgreementSnapshot, lang: PrintLanguage, plan: StipendPlan) {
  const { say, fmt } = w;
  const i = s.internship;
  const law = s.legal?.result.stipend;
  const money = (n: number) => fmt.money(n, plan.currency);
  if (law?.reason === 'over_threshold') w.paragraph(say('art5Due', { threshold: fmt.number(law.thresholdHours ?? 0), hourly: money(law.hourlyMinimum ?? 0) }));
  else if (law?.reason === 'under_threshold') w.paragraph(say('art5NotDue', { threshold: fmt.number(law.thresholdHours ?? 0) }));
  else w.paragraph(say('art5NoRules'));
  w.paragraph(say(isPublicHost(s) ? 'art5Public' : 'art5Private'));
  w.paragraph(say('art5Absence'));
  w.field(say('fPay'), payText(i, lang, say, fmt, plan.currency));
  if (law?.due) w.field(say('fMinimumTotal'), money(plan.totalMinimum));
  if (plan.totalAgreed !== null) w.field(say('fAgreedTotal'), money(plan.totalAgreed));
  w.field(say('fMeals'), i.benefitsMeals || say('none'));
  w.field(say('fTransport'), i.benefitsTransport || say('none'));
  w.field(say('fOtherBenefits'), i.benefitsOther || say('none'));
  if (plan.months.length > 1 && plan.varies && (law?.due || plan.months.some((m) => m.agreed !== null))) monthlyTable(w, plan);
}

/** Hours, legal minimum and (when the pay's unit gives one) the planned stipend of each month, with their totals. */
export function monthlyTable(w: PdfWriter, plan: StipendPlan) {
  const { say, fmt } = w;
  const money = (n: number) => fmt.money(n, plan.currency);
  const withAgreed = plan.months.some((m) => m.agreed !== null);
  w.heading(say('monthlyTitle'), 2);
  const columns = [
    { label: say('colMonth'), width: 3 },
    { label: say('colHours'), width: 2, right: true },
    { label: say('colMinimum'), width: 2, right: true },
    ...(withAgreed ? [{ label: say('colAgreed'), width: 2, right: true }] : []),
  ];
  const rows = plan.months.map((m) => [fmt.month(m.month), fmt.number(m.hours), money(m.minimum), ...(withAgreed ? [m.agreed === null ? '—' : money(m.agreed)] : [])]);
  const hours = plan.months.reduce((sum, m) => sum + m.hours, 0);
  const total = [say('colTotal'), fmt.number(Math.round(hours * 100) / 100), money(plan.totalMinimum), ...(withAgreed ? [plan.totalAgreed === null ? '—' : money(plan.totalAgreed)] : [])];
  w.table(columns, rows, total);
}

/** Article 6: the four cases — at most / above the exempt minimum; health and accident cover abroad. */
function socialProtection(w: PdfWriter, s: AgreementSnapshot, lang: PrintLanguage, plan: StipendPlan) {
  const { say, fmt } = w;
  w.paragraph(say('art6Intro'));
  if (plan.exemptMinimum !== null) w.field(say('fExemptMinimum'), fmt.money(plan.exemptMinimum, plan.currency));
  w.heading(say(plan.aboveExempt ? 'art6HighTitle' : 'art6LowTitle'), 2);
  w.paragraph(say(plan.aboveExempt ? 'art6High' : 'art6Low'));
  if (isAbroad(s)) {
    const country = label('country', s.place.country ?? '', lang);
    w.heading(say('art6AbroadHealthTitle'), 2);
    w.paragraph(say('art6AbroadHealth', { country }));
    w.heading(say('art6AbroadAccidentTitle'), 2);
    w.paragraph(say('art6AbroadAccident'));
  }
}

/** Articles 7 to 13: liability, discipline, leave, confidentiality, intellectual property, end, law. */
function closing(w: PdfWriter, s: AgreementSnapshot, lang: PrintLanguage, heading: Heading) {
  const { say } = w;
  const i = s.internship;
  const rules = i.rulesCountry.value;
  // Each article: its clause, then what this agreement adds to it.
  const rest: [number, CatalogueKey, CatalogueKey, () => void][] = [
    [7, 'art7Title', 'art7Text', () => {}],
    [8, 'art8Title', 'art8Text', () => {}],
    [9, 'art9Title', 'art9Text', () => w.field(say('fLeave'), i.leaveTerms)],
    [10, 'art10Title', 'art10Text', () => w.paragraph(say(i.confidential ? 'art10Confidential' : 'art10Open'))],
    [11, 'art11Title', 'art11Text', () => {}],
    [12, 'art12Title', 'art12Text', () => {}],
    [13, 'art13Title', 'art13Text', () => rules && rules !== 'FR' && w.paragraph(say('art13Foreign', { country: lbl(i.rulesCountry, lang) }))],
  ];
  for (const [n, title, text, then] of rest) {
    heading(n, title);
    w.paragraph(say(text));
    then();
  }
}
