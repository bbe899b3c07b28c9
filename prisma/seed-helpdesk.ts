// Demo data of the help desk, "Signaler un problème" (issue 15): the demo student's report answered
// by the UFR's staff (its page shows both messages), another student's report still open in the
// UFR's queue (gestionnaire@demo.test's dashboard counts it), and a company tutor's account problem
// open for the platform administrator. Rows written as HelpdeskService writes them, dated before now.
import type { Tx } from '../src/db/client.js';
import { HOUR_MS } from '../src/time/clock.js';

export async function seedHelpdesk(tx: Tx, now: Date) {
  const idOf = async (email: string) => (await tx.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id;
  const [student, other, staff, tutor] = await Promise.all(['etudiant@demo.test', 'thomas.girard@etu.univ-demo.test', 'gestionnaire@demo.test', 'tuteur@demo.test'].map(idOf));
  const { studyYear } = await tx.studentProfile.findUniqueOrThrow({ where: { userId: student }, select: { studyYear: { select: { centreId: true } } } });
  const ago = (hours: number) => new Date(now.getTime() - hours * HOUR_MS);

  await tx.ticket.create({
    data: {
      authorId: student, category: 'OFFER', pagePath: '/offers/search', centreId: studyYear!.centreId, status: 'ANSWERED', createdAt: ago(50), updatedAt: ago(26),
      messages: {
        create: [
          { authorId: student, body: 'Je ne trouve plus l\u2019offre de stage en data que j\u2019avais consultée la semaine dernière.', createdAt: ago(50) },
          { authorId: staff, body: 'Bonjour, cette offre a été retirée par l\u2019entreprise : elle a trouvé son stagiaire. Les offres publiées restent dans la recherche jusqu\u2019à la fin de leur période de diffusion.', createdAt: ago(26) },
        ],
      },
    },
  });
  await tx.ticket.create({
    data: {
      authorId: other, category: 'AGREEMENT', pagePath: '/sheets', centreId: studyYear!.centreId, status: 'OPEN', createdAt: ago(5), updatedAt: ago(5),
      messages: { create: { authorId: other, body: 'Ma fiche de stage est envoyée mais je ne peux plus corriger l\u2019adresse du lieu de stage.', createdAt: ago(5) } },
    },
  });
  await tx.ticket.create({
    data: {
      authorId: tutor, category: 'ACCOUNT', pagePath: '/account', centreId: null, status: 'OPEN', createdAt: ago(3), updatedAt: ago(3),
      messages: { create: { authorId: tutor, body: 'Je voudrais recevoir les notifications à une autre adresse électronique que celle de mon compte.', createdAt: ago(3) } },
    },
  });
}
