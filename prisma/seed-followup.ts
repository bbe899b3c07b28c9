// Demo data of the follow-up (issue 14): the label's answers, journal entries (one flagged as a
// difficulty, commented by a tutor) and a mid-term report, written as the services write them, on
// internships under way.
import type { Tx } from '../src/db/client.js';
import { midtermOpensOn } from '../src/modules/followup/midterm.service.js';
import { todayIn } from '../src/time/calendar.js';

const DAY = 86_400_000;

export interface FollowUpSeed {
  now: Date;
  /** Who has said yes to the label so far. */
  answers: { student?: boolean; company?: number; manager?: number };
  /** Journal entries, days after the first day: [offset, done, hard?, difficulty?]. */
  journal: [number, string, string?, boolean?][];
  /** A tutor's comment on the flagged entry. */
  comment?: { by: number; text: string };
  /** The mid-term report sent (days after it opened), and acknowledged by the company tutor. */
  midterm?: { sentAfter: number; companyAck?: number; academicAck?: number };
}

export async function seedFollowUp(tx: Tx, agreementId: number, o: FollowUpSeed) {
  const a = await tx.agreement.findUniqueOrThrow({ where: { id: agreementId }, select: { startDate: true, endDate: true, schedule: true, interruptions: true, holidaysCountry: true } });
  const at = (day: Date, hours = 9) => new Date(day.getTime() + hours * 3_600_000);
  await tx.labelEnrolment.create({
    data: {
      agreementId,
      ...(o.answers.student ? { studentAnswer: 'YES', studentAt: at(a.startDate) } : {}),
      ...(o.answers.company ? { companyAnswer: 'YES', companyAt: at(a.startDate, 11), companyById: o.answers.company } : {}),
      ...(o.answers.manager ? { managerAnswer: 'YES', managerAt: at(a.startDate, 14), managerById: o.answers.manager } : {}),
    },
  });
  for (const [offset, done, hard, difficulty] of o.journal) {
    const day = new Date(a.startDate.getTime() + offset * DAY);
    // Never a day to come (the first day is the Monday of a week that depends on today).
    if (todayIn(o.now).isBefore(todayIn(day))) continue;
    const e = await tx.journalEntry.create({ data: { agreementId, day, done, hard: hard ?? null, difficulty: !!difficulty, createdAt: at(day, 18) } });
    if (difficulty && o.comment) await tx.journalComment.create({ data: { entryId: e.id, authorId: o.comment.by, text: o.comment.text, createdAt: at(day, 40) } });
  }
  const opensOn = midtermOpensOn(a);
  if (!o.midterm || todayIn(o.now).isBefore(opensOn)) return;
  const opened = at(opensOn.toDb(), 7);
  const after = (days: number) => new Date(opened.getTime() + days * DAY);
  const m = o.midterm;
  await tx.midtermReport.create({
    data: {
      agreementId,
      opensOn: opensOn.toDb(),
      openedAt: opened,
      status: m.companyAck !== undefined && m.academicAck !== undefined ? 'ACKNOWLEDGED' : 'SUBMITTED',
      achievements: 'Le module de prise de rendez-vous est en production ; la recherche d\u2019usagers est réécrite.',
      difficulties: 'L\u2019accès aux données de production a pris trois semaines.',
      changes: 'Un point hebdomadaire plus court avec l\u2019équipe.',
      nextSteps: 'Le tableau de bord des demandes, puis la documentation.',
      submittedAt: after(m.sentAfter),
      ...(m.companyAck !== undefined ? { companyAckAt: after(m.companyAck), companyComment: 'Très bon travail, en autonomie.' } : {}),
      ...(m.academicAck !== undefined ? { academicAckAt: after(m.academicAck) } : {}),
    },
  });
}
