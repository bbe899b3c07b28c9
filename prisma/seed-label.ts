// Demo data of the label's later steps (issue 14), on last year's internships (ended, validated,
// following the label): each stopped at another step, so that every role's dashboard shows real
// work — the tutor's acknowledgement missing, the defence to record, the student's evaluation to
// fill, and one label awarded (its certificate verifies). The rows are written as the services
// write them (the form version answered, the dates of each step in order).
import type { Prisma } from '../src/generated/prisma/client.js';
import type { Tx } from '../src/db/client.js';
import { currentForm, questionsOf, type Answers, type FormDefinition } from '../src/modules/evaluations/forms.js';
import { newLabelCode } from '../src/modules/label/label.code.js';
import { midtermOpensOn } from '../src/modules/followup/midterm.service.js';

const DAY = 86_400_000;
/** How far each internship got: each stage includes the ones before it. */
export type LabelStage = 'midtermAwaitingCompany' | 'defenceDue' | 'studentEvaluationDue' | 'awarded';
const ORDER: LabelStage[] = ['midtermAwaitingCompany', 'defenceDue', 'studentEvaluationDue', 'awarded'];

/** Plausible answers to a form: yes, 4 out of 5, the first choice, a sentence. */
function answersTo(d: FormDefinition, text: string): Answers {
  const out: Answers = {};
  for (const q of questionsOf(d)) {
    if (q.type === 'yesno') out[q.key] = 'yes';
    else if (q.type === 'scale') out[q.key] = 4;
    else if (q.type === 'choice') out[q.key] = q.choices![0].key;
    else if (q.required || q.type === 'long') out[q.key] = text;
  }
  return out;
}

export async function seedLabelStage(tx: Tx, agreementId: number, stage: LabelStage, people: { companyTutorUserId: number; teacherId: number; managerId: number }) {
  const a = await tx.agreement.findUniqueOrThrow({ where: { id: agreementId }, select: { centreId: true, startDate: true, endDate: true, schedule: true, interruptions: true, holidaysCountry: true } });
  const reached = (s: LabelStage) => ORDER.indexOf(stage) >= ORDER.indexOf(s);
  const at = (day: Date, days: number, hours = 10) => new Date(day.getTime() + days * DAY + hours * 3_600_000);
  const start = a.startDate;
  const end = a.endDate;
  await tx.labelEnrolment.create({ data: { agreementId, studentAnswer: 'YES', studentAt: at(start, 0), companyAnswer: 'YES', companyAt: at(start, 1), companyById: people.companyTutorUserId, managerAnswer: 'YES', managerAt: at(start, 2), managerById: people.managerId } });
  await tx.journalEntry.create({ data: { agreementId, day: at(start, 3, 0), done: 'Découverte de l\u2019équipe et des outils.', createdAt: at(start, 3, 18) } });
  const opensOn = midtermOpensOn(a).toDb();
  const acknowledged = reached('defenceDue');
  await tx.midtermReport.create({
    data: {
      agreementId,
      opensOn,
      openedAt: at(opensOn, 0, 7),
      status: acknowledged ? 'ACKNOWLEDGED' : 'SUBMITTED',
      achievements: 'Les premiers écrans sont livrés et utilisés par l\u2019équipe.',
      submittedAt: at(opensOn, 2),
      academicAckAt: at(opensOn, 3),
      academicAckById: people.teacherId,
      ...(acknowledged ? { companyAckAt: at(opensOn, 4), companyAckById: people.companyTutorUserId, companyComment: 'Bon travail, à poursuivre.' } : {}),
    },
  });
  if (!acknowledged) return;
  const company = await currentForm(tx, a.centreId, 'COMPANY');
  const academic = await currentForm(tx, a.centreId, 'ACADEMIC');
  await tx.evaluation.create({ data: { agreementId, kind: 'COMPANY', formId: company.id, answers: answersTo(company.definition, 'Stagiaire autonome et rigoureux.') as Prisma.InputJsonValue, proposedGrade: '15.5', submittedAt: at(end, -5), submittedById: people.companyTutorUserId, consultedAt: at(end, -3), consultedById: people.teacherId } });
  await tx.evaluation.create({ data: { agreementId, kind: 'ACADEMIC', formId: academic.id, answers: answersTo(academic.definition, 'Un appel à mi-parcours, une visite sur place.') as Prisma.InputJsonValue, submittedAt: at(end, -2), submittedById: people.teacherId } });
  await tx.experienceFeedback.create({ data: { agreementId, workConditions: 'Poste équipé, horaires souples.', environment: 'Une équipe accueillante et disponible.', supervision: 'Un point chaque semaine avec le tuteur.', advice: 'Préparer les questions avant les réunions.', recommend: true, wishKnown: 'Les outils internes avant d\u2019arriver.', shareable: true, moderation: 'APPROVED', moderatedAt: at(end, 2), moderatedById: people.managerId, submittedAt: at(end, -1) } });
  if (!reached('studentEvaluationDue')) return;
  const defenceOn = new Date(end.getTime() + 14 * DAY);
  await tx.internshipGrade.create({ data: { agreementId, defenceOn, grade: '15', comment: 'Soutenance claire, bonne prise de recul.', recordedAt: at(defenceOn, 0, 16), recordedById: people.teacherId } });
  if (!reached('awarded')) return;
  const student = await currentForm(tx, a.centreId, 'STUDENT');
  await tx.evaluation.create({ data: { agreementId, kind: 'STUDENT', formId: student.id, answers: answersTo(student.definition, 'Un stage formateur.') as Prisma.InputJsonValue, submittedAt: at(defenceOn, 3) } });
  await tx.labelAward.create({ data: { agreementId, decision: 'AWARDED', code: newLabelCode(), decidedAt: at(defenceOn, 10), decidedById: people.managerId } });
}
