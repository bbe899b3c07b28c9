// Shared by the evaluations' integration tests (evaluations-*.test.ts): Léa's validated internship at
// ACME (2 March – 29 May 2026: the company tutor's evaluation opens on 19 May), answers to the default
// forms, and the single-use link read from the mail.
import type { Db } from '../../src/db/client.js';
import type { EvaluationKind } from '../../src/generated/prisma/enums.js';
import { DEFAULT_FORMS } from '../../src/modules/evaluations/forms.default.js';
import { questionsOf, type FormDefinition } from '../../src/modules/evaluations/forms.js';
import { makeAgreement, makeAgreementWorld, type AgreementWorld } from '../factories/agreements.js';
import { day } from '../factories/legal.js';
import type { agent } from '../helpers/app.js';

/** The last minute before the company evaluation opens (18 May, 23:59 in Paris), and its first. */
export const BEFORE_OPENING = '2026-05-18T21:59:00Z';
export const OPENING = '2026-05-18T22:00:00Z';

/** Léa's agreement at ACME, validated; the world around it (tutors, managers, staff). */
export async function validated(db: Db) {
  const w = await makeAgreementWorld(db);
  const a = await makeAgreement(db, w, {}, { status: 'VALIDATED', validatedAt: new Date('2026-02-20T10:00:00Z') });
  return { w, a };
}

/** Another validated agreement of the world (another period, so that it is Léa's next internship). */
export async function another(db: Db, w: AgreementWorld, start: string, end: string) {
  return makeAgreement(db, w, { startDate: day(start), endDate: day(end) }, { status: 'VALIDATED', validatedAt: new Date('2026-02-20T10:00:00Z') });
}

export type Session = Awaited<ReturnType<typeof agent>>;
export const post = (s: Session, path: string, body: Record<string, unknown>) => s.a.post(path).type('form').send({ _csrf: s.csrf, ...body });

/** A complete answer to a form: yes, 4 out of 5, the first choice, a text. */
export function answersTo(d: FormDefinition, over: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const q of questionsOf(d)) out[q.key] = q.type === 'yesno' ? 'yes' : q.type === 'scale' ? '4' : q.type === 'choice' ? q.choices![0].key : q.type === 'short' ? 'Court' : `Réponse ${q.key}`;
  return { ...out, ...over };
}
export const defaultAnswers = (kind: EvaluationKind, over: Record<string, string> = {}) => answersTo(DEFAULT_FORMS[kind], over);

/** The token of the last evaluation link mailed to `to`. */
export async function lastEvaluationToken(db: Db, to: string): Promise<string> {
  const [m] = await db.outboxEmail.findMany({ where: { to, template: 'evaluation-link' }, orderBy: { id: 'desc' }, take: 1 });
  const found = m?.text.match(/\/evaluate\/([A-Za-z0-9_-]{20,})/);
  if (!found) throw new Error(`no evaluation link mailed to ${to}`);
  return found[1];
}

/** Makes the agreement's company tutor a contact without an account, at `email`. */
export async function tutorWithoutAccount(db: Db, w: AgreementWorld, email = 'bruno.martin@acme.example') {
  await db.contact.update({ where: { id: w.companyTutor.id }, data: { userId: null, email } });
  return email;
}
