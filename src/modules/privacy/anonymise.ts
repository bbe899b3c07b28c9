// What anonymising a record does (issue 15), shared by the daily retention job and the erasure on
// request. Each function takes a batch of ids and runs a fixed number of statements inside the
// caller's transaction, whatever the batch's size. Names become "Anonyme", contact details and free
// texts go, files are deleted; what statistics read stays (dates, hours, stipend, type, country,
// organisation, programme, numeric answers).
import type { Tx } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { fileReferences } from '../../files/purge.js';

export const ANONYMOUS = 'Anonyme';

/** The audit rows of records whose people are gone keep who acted and when, not the values. */
async function scrubAudit(tx: Tx, entityType: string, ids: number[]) {
  if (!ids.length) return;
  await tx.$executeRaw`UPDATE "AuditLog" SET "before" = NULL, "after" = NULL WHERE "entityType" = ${entityType} AND "entityId" = ANY(${ids.map(String)}::text[])`;
}

/**
 * Deletes those of `ids` no record points to any more. The columns that reference "StoredFile" are
 * read from PostgreSQL's foreign keys (src/files/purge.ts), so that a file shared with a
 * record still kept — a CV also sent with an application, a scan on a kept agreement — stays.
 */
export async function deleteUnreferencedFiles(tx: Tx, ids: number[]): Promise<number> {
  const unique = [...new Set(ids.filter((id): id is number => typeof id === 'number'))];
  if (!unique.length) return 0;
  const refs = await fileReferences(tx);
  const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
  const used = refs.map((r) => Prisma.sql`SELECT ${Prisma.raw(quote(r.column))} FROM ${Prisma.raw(r.table)} WHERE ${Prisma.raw(quote(r.column))} = ANY(${unique}::int[])`);
  const notUsed = used.length ? Prisma.sql`AND f.id NOT IN (${Prisma.join(used, ' UNION ')})` : Prisma.empty;
  return tx.$executeRaw`DELETE FROM "StoredFile" f WHERE f.id = ANY(${unique}::int[]) ${notUsed}`;
}

/** Applications: the message, the files and the comments of their history go; the status and dates stay. */
export async function anonymiseApplications(tx: Tx, ids: number[], now: Date) {
  if (!ids.length) return;
  const files = await tx.$queryRaw<{ id: number }[]>`
    SELECT "cvFileId" AS id FROM "Application" WHERE id = ANY(${ids}::int[]) AND "cvFileId" IS NOT NULL
    UNION SELECT "letterFileId" FROM "Application" WHERE id = ANY(${ids}::int[]) AND "letterFileId" IS NOT NULL
    UNION SELECT "fileId" FROM "ApplicationFile" WHERE "applicationId" = ANY(${ids}::int[])`;
  await tx.applicationFile.deleteMany({ where: { applicationId: { in: ids } } });
  await tx.application.updateMany({ where: { id: { in: ids } }, data: { message: '', cvFileId: null, letterFileId: null, anonymisedAt: now } });
  await tx.applicationEvent.updateMany({ where: { applicationId: { in: ids } }, data: { comment: null } });
  await scrubAudit(tx, 'Application', ids);
  await deleteUnreferencedFiles(tx, files.map((f) => f.id));
}

// The parties of an agreement's copy and what replaces their identifying fields (the shape stays,
// so that the page and the PDF of an anonymised agreement still render).
const NO_LABEL = { value: null, labels: {} };
const PERSON = { firstName: ANONYMOUS, lastName: ANONYMOUS, email: null, phone: null };
const PARTY_PATCHES = {
  student: { ...PERSON, civility: NO_LABEL, studentNumber: null, addressLine1: null, addressLine2: null, postalCode: null, city: null, country: null, insurance: NO_LABEL, healthFund: null },
  companyTutor: { ...PERSON, civility: NO_LABEL },
  signatory: { ...PERSON, civility: NO_LABEL },
  academicTutor: PERSON,
};

/** A copy (snapshot column) with every party's identifying fields replaced; null stays null. */
function anonymousCopy(column: string): Prisma.Sql {
  const col = Prisma.raw(column);
  const parts = Object.entries(PARTY_PATCHES).map(
    ([key, patch]) => Prisma.sql`${key}::text, CASE WHEN jsonb_typeof(${col} -> ${key}) = 'object' THEN (${col} -> ${key}) || ${JSON.stringify(patch)}::jsonb ELSE ${col} -> ${key} END`,
  );
  return Prisma.sql`CASE WHEN jsonb_typeof(${col}) = 'object' THEN ${col} || jsonb_build_object(${Prisma.join(parts)}) ELSE ${col} END`;
}

/**
 * Agreements past their period: the parties' names in every stored copy (the agreement's, the signed
 * original, each amendment's before and after), the links to people, the signatures' contact and
 * client details, the PDFs and scans, the journal, the texts of the follow-up, the sheet it came
 * from. The internship's figures stay for statistics, and so does the agreement's number.
 */
export async function anonymiseAgreements(tx: Tx, ids: number[], now: Date) {
  if (!ids.length) return;
  const inIds = { in: ids };
  const files = await tx.$queryRaw<{ id: number }[]>`
    SELECT "finalPdfFileId" AS id FROM "Agreement" WHERE id = ANY(${ids}::int[]) AND "finalPdfFileId" IS NOT NULL
    UNION SELECT "finalPdfFileId" FROM "AgreementAmendment" WHERE "agreementId" = ANY(${ids}::int[]) AND "finalPdfFileId" IS NOT NULL
    UNION SELECT "paperFileId" FROM "AgreementSignature" WHERE "agreementId" = ANY(${ids}::int[]) AND "paperFileId" IS NOT NULL`;
  const amendmentIds = (await tx.agreementAmendment.findMany({ where: { agreementId: inIds }, select: { id: true } })).map((a) => a.id);
  const sheetIds = (await tx.agreement.findMany({ where: { id: inIds, sheetId: { not: null } }, select: { sheetId: true } })).map((a) => a.sheetId!);

  await tx.$executeRaw`UPDATE "Agreement" SET snapshot = ${anonymousCopy('snapshot')}, "originalSnapshot" = ${anonymousCopy('"originalSnapshot"')},
      "companyTutorId" = NULL, "signatoryId" = NULL, "academicTutorId" = NULL, "createdById" = NULL, "submittedById" = NULL, "pedagogicalById" = NULL,
      "administrativeById" = NULL, "validatedById" = NULL, "attestationConfirmedById" = NULL, "finalPdfFileId" = NULL, "anonymisedAt" = ${now}
    WHERE id = ANY(${ids}::int[])`;
  await tx.$executeRaw`UPDATE "AgreementAmendment" SET snapshot = ${anonymousCopy('snapshot')}, "beforeSnapshot" = ${anonymousCopy('"beforeSnapshot"')},
      "otherText" = NULL, "terminationComment" = NULL, "createdById" = NULL, "validatedById" = NULL, "finalPdfFileId" = NULL
    WHERE "agreementId" = ANY(${ids}::int[])`;
  await tx.signatureLink.deleteMany({ where: { signature: { agreementId: inIds } } });
  await tx.agreementSignature.updateMany({
    where: { agreementId: inIds },
    data: { signerName: ANONYMOUS, signerEmail: null, signerId: null, clientIp: null, userAgent: null, paperFileId: null, recordedById: null, voidReason: null },
  });
  await tx.attestationLink.deleteMany({ where: { agreementId: inIds } });
  await tx.evaluationLink.deleteMany({ where: { agreementId: inIds } });
  await tx.stepReminder.deleteMany({ where: { agreementId: inIds } });
  await tx.journalEntry.deleteMany({ where: { agreementId: inIds } });
  await tx.midtermReport.updateMany({
    where: { agreementId: inIds },
    data: { achievements: null, difficulties: null, changes: null, nextSteps: null, companyComment: null, academicComment: null, companyAckById: null, academicAckById: null },
  });
  // Feedback already published without its author's name stays for later students; the rest goes.
  await tx.experienceFeedback.deleteMany({ where: { agreementId: inIds, NOT: { shareable: true, moderation: 'APPROVED' } } });
  await tx.experienceFeedback.updateMany({ where: { agreementId: inIds }, data: { moderatedById: null, moderationNote: null } });
  // Only the numbers and the yes/no answers stay: what the evaluation statistics read.
  await tx.$executeRaw`UPDATE "Evaluation" SET "submittedById" = NULL, "consultedById" = NULL, answers = COALESCE((
      SELECT jsonb_object_agg(q.key, q.value) FROM jsonb_each(answers) q WHERE jsonb_typeof(q.value) = 'number' OR q.value IN ('"yes"'::jsonb, '"no"'::jsonb)), '{}'::jsonb)
    WHERE "agreementId" = ANY(${ids}::int[])`;
  await tx.internshipGrade.updateMany({ where: { agreementId: inIds }, data: { comment: null, recordedById: null } });
  await tx.labelAward.updateMany({ where: { agreementId: inIds }, data: { reason: null, withdrawReason: null, decidedById: null } });
  await tx.labelEnrolment.updateMany({ where: { agreementId: inIds }, data: { companyById: null, managerById: null } });
  if (sheetIds.length) await tx.internshipSheet.deleteMany({ where: { id: { in: sheetIds } } });
  await scrubAudit(tx, 'Agreement', ids);
  await scrubAudit(tx, 'AgreementAmendment', amendmentIds);
  await scrubAudit(tx, 'InternshipSheet', sheetIds);
  await deleteUnreferencedFiles(tx, files.map((f) => f.id));
}

/**
 * Accounts: the person's names, address, contact details, sign-in means and sessions, their student
 * profile's personal fields, their requests, sheets, tickets and files, their applications
 * (anonymised as above), their roles. The row stays (inactive) so that what is kept — agreements
 * within their period, history — still points somewhere. Says how many of their contact cards were
 * kept because an agreement not yet anonymised names them.
 */
export async function anonymiseAccounts(tx: Tx, userIds: number[], now: Date): Promise<{ keptContacts: number }> {
  if (!userIds.length) return { keptContacts: 0 };
  const inUsers = { in: userIds };
  const profiles = await tx.studentProfile.findMany({ where: { userId: inUsers }, select: { id: true, cvFileId: true } });
  const profileIds = profiles.map((p) => p.id);
  const users = await tx.user.findMany({ where: { id: inUsers }, select: { email: true } });
  const applications = await tx.application.findMany({ where: { studentId: { in: profileIds }, anonymisedAt: null }, select: { id: true } });
  await anonymiseApplications(tx, applications.map((a) => a.id), now);

  const ticketFiles = await tx.ticketMessage.findMany({ where: { ticket: { authorId: inUsers }, fileId: { not: null } }, select: { fileId: true } });
  const files = [...profiles.map((p) => p.cvFileId), ...ticketFiles.map((m) => m.fileId)].filter((id): id is number => id !== null);
  const requestIds = (await tx.internshipRequest.findMany({ where: { studentId: { in: profileIds } }, select: { id: true } })).map((r) => r.id);
  const sheetIds = (await tx.internshipSheet.findMany({ where: { studentId: { in: profileIds } }, select: { id: true } })).map((s) => s.id);
  await tx.internshipRequest.deleteMany({ where: { id: { in: requestIds } } });
  await tx.internshipSheet.deleteMany({ where: { id: { in: sheetIds } } });
  await tx.offerVisit.deleteMany({ where: { studentId: { in: profileIds } } });
  await tx.ticket.deleteMany({ where: { authorId: inUsers } });
  await tx.studentProfile.updateMany({
    where: { id: { in: profileIds } },
    data: { birthDate: null, addressLine1: null, addressLine2: null, postalCode: null, city: null, country: null, ssn: null, insurance: null, healthFund: null, skills: null, languages: null, cvFileId: null, inCvBook: false },
  });
  // The student number identifies the person at their institution: replaced by one that cannot clash.
  await tx.$executeRaw`UPDATE "StudentProfile" SET "studentNumber" = 'ANON-' || id WHERE id = ANY(${profileIds}::int[])`;

  // Contact cards of the person: anonymised, but for those a kept agreement still names (its copy holds them anyway).
  const contacts = await tx.contact.findMany({ where: { userId: inUsers }, select: { id: true, agreementsTutored: { where: { anonymisedAt: null }, select: { id: true } }, agreementsSigned: { where: { anonymisedAt: null }, select: { id: true } } } });
  const freeContacts = contacts.filter((c) => !c.agreementsTutored.length && !c.agreementsSigned.length).map((c) => c.id);
  await tx.contact.updateMany({ where: { id: { in: freeContacts } }, data: { firstName: ANONYMOUS, lastName: ANONYMOUS, civility: 'NONE', email: null, phone: null, function: null } });
  await tx.contact.updateMany({ where: { userId: inUsers }, data: { userId: null } });

  await tx.companyMembership.deleteMany({ where: { userId: inUsers } });
  await tx.academicRole.deleteMany({ where: { userId: inUsers } });
  await tx.centreStaff.deleteMany({ where: { userId: inUsers } });
  await tx.managementCentre.updateMany({ where: { signatureRepresentativeId: inUsers }, data: { signatureRepresentativeId: null } });
  await tx.externalIdentity.deleteMany({ where: { userId: inUsers } });
  await tx.passwordResetToken.deleteMany({ where: { userId: inUsers } });
  await tx.wizardDraft.deleteMany({ where: { ownerId: inUsers } });
  await tx.stepReminder.deleteMany({ where: { userId: inUsers } });
  await tx.outboxEmail.deleteMany({ where: { to: { in: users.map((u) => u.email) } } });
  await tx.$executeRaw`DELETE FROM "session" WHERE (sess->'passport'->>'user') = ANY(${userIds.map(String)}::text[])`;
  await tx.storedFile.updateMany({ where: { uploadedById: inUsers }, data: { uploadedById: null } });
  await tx.$executeRaw`UPDATE "User" SET email = 'anonymised-' || id || '@invalid', "firstName" = ${ANONYMOUS}, "lastName" = ${ANONYMOUS}, civility = 'NONE',
      phone = NULL, "passwordHash" = NULL, "calendarTokenHash" = NULL, active = false, "anonymisedAt" = ${now}
    WHERE id = ANY(${userIds}::int[])`;

  await scrubAudit(tx, 'User', userIds);
  await scrubAudit(tx, 'StudentProfile', profileIds);
  await scrubAudit(tx, 'InternshipRequest', requestIds);
  await scrubAudit(tx, 'InternshipSheet', sheetIds);
  await scrubAudit(tx, 'Contact', freeContacts);
  await deleteUnreferencedFiles(tx, files);
  return { keptContacts: contacts.length - freeContacts.length };
}
