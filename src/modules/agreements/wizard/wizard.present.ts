// What the internship screen and the summary show of the law and of the parties, in words.
import type { Request } from 'express';
import { formatters } from '../../../i18n/format.js';
import type { Check, EngineResult } from '../../../legal/types.js';
import { CalendarDate, todayIn } from '../../../time/calendar.js';
import { checkMessage, durationText, reasonText, type CheckWords } from '../../legal/simulator.js';
import type { AgreementWizardService, CENTRE_RULES } from './wizard.service.js';
import { hostId, type AgreementWizardState } from './wizard.state.js';
import type { OrganisationInput } from '../../organisations/organisations.schemas.js';

const words = (req: Request): CheckWords => ({ t: req.t, fmt: formatters(req.locale), locale: req.locale });
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The engine's result for views/agreements/wizard/_legal.ejs. */
export async function legalLocals(req: Request, r: EngineResult, country = 'FR') {
  const w = words(req);
  return {
    ...r,
    duration: durationText(r, w),
    reason: reasonText(r, country, todayIn(req.now), w),
    checks: r.checks.map((c) => ({ ...c, message: checkMessage(c, w) })),
    blocking: r.checks.some((c) => c.severity === 'blocking'),
  };
}

/** A check on the other agreements, in words (agreements.checks.<code>). */
function otherMessage(c: Check, { t, fmt }: CheckWords) {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.params)) params[k] = typeof v === 'number' ? fmt.number(v) : ISO_DAY.test(v) ? fmt.date(CalendarDate.parse(v)) : v;
  return t(`agreements.checks.${c.code}`, params);
}

type Centre = { [K in keyof typeof CENTRE_RULES]: unknown } & { agreementOverlapAllowed: boolean };

/** Everything the summary shows: each screen's choice, the law and every check; `blocking` stops "Créer". */
export async function summaryLocals(req: Request, svc: AgreementWizardService, d: AgreementWizardState, centre: Centre) {
  const student = await svc.student(req.actor!, d.student!.studentId);
  const id = hostId(d);
  const org = id ? await svc.organisation(id) : { ...(d.host as { create: OrganisationInput }).create, verified: false, isNew: true };
  const services = await svc.services(id);
  const contacts = await svc.contacts(id);
  const teachers = d.academicTutor && 'userId' in d.academicTutor ? await svc.teachers(student.institutionId) : [];
  const person = (p: AgreementWizardState['companyTutor']) => (!p || 'none' in p ? null : 'contactId' in p ? contacts.find((c) => c.id === p.contactId) ?? null : { ...p.create, isNew: true });
  const place = d.place && 'serviceId' in d.place ? services.find((s) => s.id === (d.place as { serviceId: number }).serviceId) : d.place && 'create' in d.place ? { ...d.place.create, isNew: true } : null;
  const engine = await svc.legal(d, d.internship!, req.now);
  const legal = await legalLocals(req, engine, org.country);
  const others = (await svc.otherChecks(d, centre.agreementOverlapAllowed)).map((c) => ({ ...c, message: otherMessage(c, words(req)) }));
  return {
    student,
    draft: d,
    org,
    place,
    companyTutor: person(d.companyTutor),
    signatory: person(d.signatory),
    academicTutor: teachers.find((t) => d.academicTutor && 'userId' in d.academicTutor && t.id === d.academicTutor.userId) ?? null,
    internship: d.internship!,
    legal,
    otherChecks: others,
    blocking: legal.blocking || others.some((c) => c.severity === 'blocking'),
    isoDay: (s: string) => CalendarDate.parse(s),
  };
}
