// Demo data of the "Documents utiles" (issue 15): the platform's documents (the official page on
// internships, the simulator of the stipend, a short guide of the platform as a PDF) and the UFR's
// own, among them its "notice de saisie" (a PDF), which the agreement wizard then links.
import { createHash } from 'node:crypto';
import type { Tx } from '../src/db/client.js';
import { PdfWriter } from '../src/documents/base.js';
import { storeFile } from '../src/files/upload.js';
import type { DocumentAudience } from '../src/generated/prisma/enums.js';

const EVERYONE: DocumentAudience[] = ['STUDENTS', 'COMPANIES', 'ACADEMIC_STAFF', 'CENTRE_STAFF'];

/** A short PDF of headings and paragraphs, as a centre would write its notice. */
async function pdf(title: string, author: string, sections: [string, string[]][], at: Date): Promise<Buffer> {
  const w = new PdfWriter({ language: 'fr', title, subject: title, author, generatedAt: at, letterhead: { name: author }, footer: (page, pages) => `${title} — ${page}/${pages}` });
  w.doc.moveDown(1.5);
  w.title(title, author);
  for (const [heading, paragraphs] of sections) {
    w.heading(heading);
    for (const p of paragraphs) w.paragraph(p);
  }
  return w.finish();
}

async function storePdf(tx: Tx, name: string, bytes: Buffer, uploaderId: number | null) {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return storeFile(tx, { field: 'file', originalName: name, extension: 'pdf', mimeType: 'application/pdf', size: bytes.length, sha256, buffer: bytes }, uploaderId);
}

export async function seedDocuments(tx: Tx, opts: { centreId: number; centreName: string; createdById: number | null; now: Date }) {
  const { centreId, centreName, createdById, now } = opts;
  const guide = await storePdf(
    tx,
    'guide-utilisation-stages.pdf',
    await pdf('Guide d\u2019utilisation de la plateforme', 'Stages', [
      ['Se connecter', ['Les étudiants et les personnels se connectent avec le compte de leur établissement ; les entreprises avec l\u2019adresse et le mot de passe choisis à l\u2019inscription.']],
      ['Les menus', ['Conventions de stage, organismes d\u2019accueil, offres de stage et d\u2019emploi, évaluations des stages et documents utiles : chaque menu n\u2019affiche que ce qui vous concerne.']],
      ['Besoin d\u2019aide ?', ['Le lien « Signaler un problème », en haut de chaque page, envoie votre question au service de scolarité de votre centre.']],
    ], now),
    createdById,
  );
  const notice = await storePdf(
    tx,
    'notice-de-saisie-convention.pdf',
    await pdf('Notice de saisie de la convention de stage', centreName, [
      ['Avant de commencer', ['Munissez-vous des coordonnées de l\u2019organisme d\u2019accueil (raison sociale, adresse, numéro SIRET, code APE/NAF), du service d\u2019accueil, du tuteur professionnel et de la personne qui signe pour l\u2019organisme.']],
      ['Le stage', ['Dates, durée hebdomadaire, sujet, activités confiées et compétences à acquérir ; la gratification est obligatoire au-delà de deux mois de présence.']],
      ['Après la saisie', ['La convention est vérifiée par votre enseignant référent puis par la scolarité ; vous êtes prévenu par courriel à chaque étape, puis pour les signatures.']],
    ], now),
    createdById,
  );
  const base = { createdById, createdAt: now };
  await tx.usefulDocument.createMany({
    data: [
      { ...base, centreId: null, position: 0, title: 'Stage étudiant en entreprise : les règles (Service-Public.fr)', description: 'La page officielle : convention, durée, gratification, droits du stagiaire.', url: 'https://www.service-public.fr/particuliers/vosdroits/F20559', audiences: EVERYONE },
      { ...base, centreId: null, position: 1, title: 'Simulateur de la gratification de stage', description: 'Calcul du montant minimal de la gratification selon la durée et le temps de présence.', url: 'https://www.service-public.fr/simulateur/calcul/gratification-stagiaire', audiences: ['STUDENTS', 'COMPANIES', 'CENTRE_STAFF'] },
      { ...base, centreId: null, position: 2, title: 'Guide d\u2019utilisation de la plateforme', fileId: guide.id, audiences: EVERYONE },
      { ...base, centreId, position: 0, title: 'Notice de saisie de la convention', description: 'Ce qu\u2019il faut préparer avant de saisir sa convention, étape par étape.', fileId: notice.id, audiences: ['STUDENTS', 'ACADEMIC_STAFF'], isInstructions: true },
      { ...base, centreId, position: 1, title: 'Accueillir un stagiaire de l\u2019UFR : le calendrier', description: 'Périodes de stage par formation et dates des soutenances.', url: 'https://univ-demo.test/ufr-st/stages/calendrier', audiences: ['COMPANIES', 'ACADEMIC_STAFF'] },
    ],
  });
}
