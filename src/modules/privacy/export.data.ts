// Everything the platform holds about one person (the right of access and to portability, issue 15),
// as plain JSON: a fixed number of queries whatever the amounts (one per kind of record, never one
// per row). Other people never appear: where a record is shared — an agreement one tutored, an
// application's history — it gives the record's number and the person's own part only.
import type { Db } from '../../db/client.js';
import { agreementNumber } from '../agreements/agreement.types.js';

const fileMeta = { id: true, originalName: true, mimeType: true, extension: true, size: true, createdAt: true } as const;
const number = { academicYear: true, seq: true } as const;
const numberOf = (a: { academicYear: string; seq: number } | null | undefined) => (a ? agreementNumber(a) : null);

/** The other parties of an agreement's copy: said to be there, never who they are. */
const OTHER_PARTIES = ['companyTutor', 'signatory', 'academicTutor'] as const;
function ownCopy(snapshot: unknown) {
  if (!snapshot || typeof snapshot !== 'object') return null;
  const copy: Record<string, unknown> = { ...(snapshot as Record<string, unknown>) };
  for (const k of OTHER_PARTIES) if (copy[k]) copy[k] = '(masqué / hidden)';
  return copy;
}

/** The person's account, profile and student records. */
async function studentPart(db: Db, profileId: number) {
  const [requests, applications, sheets, visits] = await Promise.all([
    db.internshipRequest.findMany({
      where: { studentId: profileId },
      orderBy: { id: 'asc' },
      select: { id: true, status: true, title: true, level: true, durationMonths: true, positionType: true, domain: true, sector: true, description: true, availableFrom: true, place: true, createdAt: true, updatedAt: true },
    }),
    db.application.findMany({
      where: { studentId: profileId },
      orderBy: { id: 'asc' },
      select: {
        id: true, title: true, message: true, status: true, readAt: true, anonymisedAt: true, createdAt: true, updatedAt: true,
        offer: { select: { id: true, title: true } },
        organisation: { select: { legalName: true } },
        cvFile: { select: fileMeta },
        letterFile: { select: fileMeta },
        files: { select: { file: { select: fileMeta } } },
        // The history's steps, without who made them (the company's people are not the person's data).
        events: { orderBy: { id: 'asc' }, select: { fromStatus: true, toStatus: true, comment: true, createdAt: true } },
      },
    }),
    db.internshipSheet.findMany({
      where: { studentId: profileId },
      orderBy: { id: 'asc' },
      select: { id: true, status: true, data: true, sentAt: true, returnComment: true, returnedAt: true, validatedAt: true, createdAt: true, updatedAt: true, organisation: { select: { legalName: true } } },
    }),
    db.offerVisit.findMany({ where: { studentId: profileId }, orderBy: [{ day: 'asc' }, { offerId: 'asc' }], select: { offerId: true, day: true } }),
  ]);
  const agreements = await db.agreement.findMany({
    where: { studentId: profileId },
    orderBy: { id: 'asc' },
    select: {
      ...number, id: true, status: true, type: true, startDate: true, endDate: true, snapshot: true, anonymisedAt: true, createdAt: true,
      labelEnrolment: { select: { studentAnswer: true, studentAt: true } },
      journalEntries: { orderBy: { day: 'asc' }, select: { day: true, done: true, hard: true, difficulty: true, createdAt: true } },
      midtermReport: { select: { status: true, achievements: true, difficulties: true, changes: true, nextSteps: true, submittedAt: true } },
      feedback: { select: { workConditions: true, environment: true, supervision: true, advice: true, recommend: true, wishKnown: true, shareable: true, moderation: true, submittedAt: true } },
      grade: { select: { defenceOn: true, grade: true } },
      labelAward: { select: { decision: true, code: true, decidedAt: true, withdrawnAt: true } },
    },
  });
  return {
    requests,
    applications: applications.map(({ files, ...a }) => ({ ...a, files: files.map((f) => f.file) })),
    sheets,
    offerVisits: visits,
    agreements: agreements.map(({ academicYear, seq, snapshot, ...a }) => ({ number: agreementNumber({ academicYear, seq }), ...a, copy: ownCopy(snapshot) })),
  };
}

/** Where the person is a party to someone else's internship: the number and the role, nothing of the student. */
async function partyPart(db: Db, userId: number) {
  const [roles, signatures, comments, acks, evaluations] = await Promise.all([
    db.agreement.findMany({
      where: { OR: [{ academicTutorId: userId }, { companyTutor: { userId } }, { signatory: { userId } }] },
      orderBy: { id: 'asc' },
      select: { ...number, academicTutorId: true, companyTutor: { select: { userId: true } }, signatory: { select: { userId: true } } },
    }),
    db.agreementSignature.findMany({
      where: { signerId: userId },
      orderBy: { id: 'asc' },
      select: { party: true, status: true, signerName: true, signerEmail: true, invitedAt: true, signedAt: true, channel: true, clientIp: true, userAgent: true, paperSignedOn: true, agreement: { select: number }, amendment: { select: { seq: true } } },
    }),
    db.journalComment.findMany({ where: { authorId: userId }, orderBy: { id: 'asc' }, select: { text: true, createdAt: true, entry: { select: { day: true, agreement: { select: number } } } } }),
    db.midtermReport.findMany({
      where: { OR: [{ companyAckById: userId }, { academicAckById: userId }] },
      select: { companyAckById: true, companyAckAt: true, companyComment: true, academicAckById: true, academicAckAt: true, academicComment: true, agreement: { select: number } },
    }),
    db.evaluation.findMany({ where: { submittedById: userId }, orderBy: { id: 'asc' }, select: { kind: true, answers: true, proposedGrade: true, submittedAt: true, agreement: { select: number } } }),
  ]);
  return {
    agreementRoles: roles.map((a) => ({
      agreement: agreementNumber(a),
      roles: [a.academicTutorId === userId && 'academicTutor', a.companyTutor?.userId === userId && 'companyTutor', a.signatory?.userId === userId && 'signatory'].filter(Boolean),
    })),
    signatures: signatures.map(({ agreement, amendment, ...s }) => ({ agreement: numberOf(agreement), amendment: amendment?.seq ?? null, ...s })),
    journalComments: comments.map((c) => ({ agreement: numberOf(c.entry.agreement), entryDay: c.entry.day, text: c.text, createdAt: c.createdAt })),
    midtermAcknowledgements: acks.map((m) => ({
      agreement: numberOf(m.agreement),
      ...(m.companyAckById === userId ? { acknowledgedAt: m.companyAckAt, comment: m.companyComment } : { acknowledgedAt: m.academicAckAt, comment: m.academicComment }),
    })),
    evaluationsWritten: evaluations.map(({ agreement, ...e }) => ({ agreement: numberOf(agreement), ...e })),
  };
}

/** The account itself, its rights and what it did on the platform. */
async function accountPart(db: Db, userId: number, email: string) {
  const [identities, resets, memberships, staff, academic, contacts, tickets, audit, offers, emails, presets, drafts] = await Promise.all([
    db.externalIdentity.findMany({ where: { userId }, select: { subject: true, createdAt: true, lastUsedAt: true, provider: { select: { label: true } } } }),
    db.passwordResetToken.findMany({ where: { userId }, orderBy: { id: 'asc' }, select: { createdAt: true, expiresAt: true, usedAt: true } }),
    db.companyMembership.findMany({ where: { userId }, orderBy: { id: 'asc' }, select: { role: true, canPublishOffers: true, status: true, createdAt: true, organisation: { select: { legalName: true } } } }),
    db.centreStaff.findMany({ where: { userId }, orderBy: { id: 'asc' }, select: { right: true, department: true, campus: true, building: true, office: true, printedAsContact: true, createdAt: true, centre: { select: { name: true } } } }),
    db.academicRole.findMany({ where: { userId }, orderBy: { id: 'asc' }, select: { kind: true, createdAt: true, programme: { select: { name: true } }, studyYear: { select: { name: true } } } }),
    db.contact.findMany({ where: { userId }, orderBy: { id: 'asc' }, select: { civility: true, firstName: true, lastName: true, function: true, email: true, phone: true, organisation: { select: { legalName: true } }, service: { select: { name: true } } } }),
    db.ticket.findMany({
      where: { authorId: userId },
      orderBy: { id: 'asc' },
      // The person's own messages: the answers are the staff's words.
      select: { id: true, category: true, pagePath: true, status: true, createdAt: true, updatedAt: true, messages: { where: { authorId: userId }, orderBy: { id: 'asc' }, select: { body: true, createdAt: true, file: { select: fileMeta } } } },
    }),
    // What they did, not the values they saw: those may be other people's.
    db.auditLog.findMany({ where: { actorId: userId }, orderBy: { id: 'asc' }, select: { action: true, entityType: true, entityId: true, createdAt: true } }),
    db.offer.findMany({ where: { authorId: userId }, orderBy: { id: 'asc' }, select: { id: true, title: true, status: true, createdAt: true } }),
    // Which mails, not their words: a subject may name the student a tutor follows.
    db.outboxEmail.findMany({ where: { to: email }, orderBy: { id: 'asc' }, select: { template: true, status: true, createdAt: true, sentAt: true } }),
    db.exportPreset.findMany({ where: { userId }, orderBy: { id: 'asc' }, select: { name: true, columns: true } }),
    db.wizardDraft.findMany({ where: { ownerId: userId }, select: { kind: true, data: true, createdAt: true, updatedAt: true, expiresAt: true } }),
  ]);
  return {
    externalIdentities: identities.map((i) => ({ provider: i.provider.label, subject: i.subject, createdAt: i.createdAt, lastUsedAt: i.lastUsedAt })),
    passwordResets: resets,
    companyMemberships: memberships,
    centreStaff: staff,
    academicRoles: academic,
    contactCards: contacts,
    tickets,
    auditTrail: audit,
    offersWritten: offers,
    emailsSent: emails,
    exportPresets: presets,
    drafts,
  };
}

/** The files the person gave: their CV, their applications' files, what they uploaded (not the signed agreements' PDFs and scans: other people sign them). */
async function ownFileIds(db: Db, userId: number, profileId: number | null): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT "cvFileId" AS id FROM "StudentProfile" WHERE id = ${profileId}::int AND "cvFileId" IS NOT NULL
    UNION SELECT "cvFileId" FROM "Application" WHERE "studentId" = ${profileId}::int AND "cvFileId" IS NOT NULL
    UNION SELECT "letterFileId" FROM "Application" WHERE "studentId" = ${profileId}::int AND "letterFileId" IS NOT NULL
    UNION SELECT f."fileId" FROM "ApplicationFile" f JOIN "Application" a ON a.id = f."applicationId" WHERE a."studentId" = ${profileId}::int
    UNION SELECT f.id FROM "StoredFile" f WHERE f."uploadedById" = ${userId}::int
      AND NOT EXISTS (SELECT 1 FROM "AgreementSignature" s WHERE s."paperFileId" = f.id)
      AND NOT EXISTS (SELECT 1 FROM "Agreement" a WHERE a."finalPdfFileId" = f.id)
      AND NOT EXISTS (SELECT 1 FROM "AgreementAmendment" m WHERE m."finalPdfFileId" = f.id)
    ORDER BY 1`;
  return rows.map((r) => r.id);
}

/** The person's data (null for an unknown account) and the ids of their files. */
export async function collectUserData(db: Db, userId: number) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, firstName: true, lastName: true, civility: true, phone: true, locale: true, reminderMode: true, isPlatformAdmin: true, active: true, lastLoginAt: true, anonymisedAt: true, createdAt: true, updatedAt: true },
  });
  if (!user) return null;
  const profile = await db.studentProfile.findUnique({
    where: { userId },
    select: {
      id: true, studentNumber: true, birthDate: true, addressLine1: true, addressLine2: true, postalCode: true, city: true, country: true, ssn: true, insurance: true,
      healthFund: true, skills: true, languages: true, inCvBook: true, createdAt: true, updatedAt: true,
      institution: { select: { name: true } }, programme: { select: { name: true } }, studyYear: { select: { name: true } }, cvFile: { select: fileMeta },
    },
  });
  const [account, parties, student, fileIds] = await Promise.all([
    accountPart(db, userId, user.email),
    partyPart(db, userId),
    profile ? studentPart(db, profile.id) : Promise.resolve(null),
    ownFileIds(db, userId, profile?.id ?? null),
  ]);
  const { id: _profileId, ...studentProfile } = profile ?? { id: null };
  return { data: { user, studentProfile: profile ? studentProfile : null, ...(student ?? {}), ...parties, ...account }, fileIds };
}
