// "Une étape a été franchie" (issue 14): when a label step is done, the people its row in the step
// table names (`tell`) are mailed, in the transaction that does the step — no mail for a step that
// rolled back, none twice for the same step (dedupe key).
import type { Tx } from '../../db/client.js';
import { isLocale } from '../../i18n/index.js';
import { queueEmails } from '../../mail/outbox.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import type { AgreementService, Told } from '../agreements/agreements.service.js';
import { LABEL_STEPS } from './label.steps.js';

type Detail = Parameters<AgreementService['recipients']>[2];

/** Mails the step's `tell` list that the step is done, with a link to the follow-up page's section. Returns how many were queued. */
export async function tellStepDone(tx: Tx, agreements: AgreementService, a: Detail & { student: { user: { firstName: string; lastName: string } } }, code: string, baseUrl: string): Promise<number> {
  const step = LABEL_STEPS.find((s) => s.code === code);
  if (!step) throw new Error(`unknown label step ${code}`);
  const told = step.tell.filter((w): w is Told => w === 'student' || w === 'companyTutor' || w === 'academicTutor');
  const people = (await Promise.all(told.map((w) => agreements.recipients(tx, w, a)))).flat();
  const number = agreementNumber(a);
  return queueEmails(tx, people.map((u) => ({
    to: u.email,
    template: 'step-done',
    locale: isLocale(u.locale) ? u.locale : 'fr',
    data: { firstName: u.firstName, number, student: `${a.student.user.firstName} ${a.student.user.lastName}`, step: code, link: `${baseUrl}/agreements/${a.id}/follow-up#${step.anchor}` },
    dedupeKey: `step-done:${a.id}:${code}:${u.email}`,
  })));
}
