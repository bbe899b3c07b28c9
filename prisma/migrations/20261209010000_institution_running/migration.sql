-- CreateEnum
CREATE TYPE "SsoProtocol" AS ENUM ('OIDC', 'CAS');

-- CreateEnum
CREATE TYPE "DocumentAudience" AS ENUM ('STUDENTS', 'COMPANIES', 'ACADEMIC_STAFF', 'CENTRE_STAFF');

-- CreateEnum
CREATE TYPE "TicketCategory" AS ENUM ('AGREEMENT', 'OFFER', 'ACCOUNT', 'OTHER');

-- CreateEnum
CREATE TYPE "TicketStatus" AS ENUM ('OPEN', 'ANSWERED', 'CLOSED');

-- CreateEnum
CREATE TYPE "RetentionKind" AS ENUM ('STUDENT_ACCOUNT', 'AGREEMENT', 'APPLICATION', 'AUDIT');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "anonymisedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Institution" ADD COLUMN     "dataProtectionContact" TEXT;

-- AlterTable

-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "anonymisedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Agreement" ADD COLUMN     "anonymisedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "IdentityProvider" (
    "id" SERIAL NOT NULL,
    "institutionId" INTEGER NOT NULL,
    "protocol" "SsoProtocol" NOT NULL,
    "label" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "issuerUrl" TEXT,
    "clientId" TEXT,
    "clientSecret" TEXT,
    "casUrl" TEXT,
    "emailAttribute" TEXT NOT NULL DEFAULT 'email',
    "studentNumberAttribute" TEXT,
    "firstNameAttribute" TEXT NOT NULL DEFAULT 'given_name',
    "lastNameAttribute" TEXT NOT NULL DEFAULT 'family_name',
    "passwordsDisabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IdentityProvider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExternalIdentity" (
    "id" SERIAL NOT NULL,
    "providerId" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "ExternalIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsefulDocument" (
    "id" SERIAL NOT NULL,
    "centreId" INTEGER,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "url" TEXT,
    "fileId" INTEGER,
    "audiences" "DocumentAudience"[],
    "position" INTEGER NOT NULL DEFAULT 0,
    "isInstructions" BOOLEAN NOT NULL DEFAULT false,
    "createdById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsefulDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Ticket" (
    "id" SERIAL NOT NULL,
    "authorId" INTEGER NOT NULL,
    "category" "TicketCategory" NOT NULL,
    "pagePath" TEXT NOT NULL,
    "centreId" INTEGER,
    "agreementId" INTEGER,
    "status" "TicketStatus" NOT NULL DEFAULT 'OPEN',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Ticket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TicketMessage" (
    "id" SERIAL NOT NULL,
    "ticketId" INTEGER NOT NULL,
    "authorId" INTEGER,
    "body" TEXT NOT NULL,
    "fileId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RetentionPolicy" (
    "kind" "RetentionKind" NOT NULL,
    "months" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" INTEGER,

    CONSTRAINT "RetentionPolicy_pkey" PRIMARY KEY ("kind")
);

-- CreateIndex
CREATE UNIQUE INDEX "IdentityProvider_institutionId_key" ON "IdentityProvider"("institutionId");

-- CreateIndex
CREATE INDEX "ExternalIdentity_userId_idx" ON "ExternalIdentity"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ExternalIdentity_providerId_subject_key" ON "ExternalIdentity"("providerId", "subject");

-- CreateIndex
CREATE INDEX "UsefulDocument_centreId_position_idx" ON "UsefulDocument"("centreId", "position");

-- CreateIndex
CREATE INDEX "Ticket_centreId_status_idx" ON "Ticket"("centreId", "status");

-- CreateIndex
CREATE INDEX "Ticket_authorId_createdAt_idx" ON "Ticket"("authorId", "createdAt");

-- CreateIndex
CREATE INDEX "TicketMessage_ticketId_createdAt_idx" ON "TicketMessage"("ticketId", "createdAt");

-- AddForeignKey
ALTER TABLE "IdentityProvider" ADD CONSTRAINT "IdentityProvider_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "Institution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExternalIdentity" ADD CONSTRAINT "ExternalIdentity_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "IdentityProvider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExternalIdentity" ADD CONSTRAINT "ExternalIdentity_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsefulDocument" ADD CONSTRAINT "UsefulDocument_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "ManagementCentre"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsefulDocument" ADD CONSTRAINT "UsefulDocument_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "StoredFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsefulDocument" ADD CONSTRAINT "UsefulDocument_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "ManagementCentre"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketMessage" ADD CONSTRAINT "TicketMessage_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketMessage" ADD CONSTRAINT "TicketMessage_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketMessage" ADD CONSTRAINT "TicketMessage_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "StoredFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RetentionPolicy" ADD CONSTRAINT "RetentionPolicy_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- The centre's instructions link of the settings becomes its "notice de saisie", a useful document
-- for its students (issue 15), before the column goes.
INSERT INTO "UsefulDocument" ("centreId", "title", "url", "audiences", "position", "isInstructions", "createdAt", "updatedAt")
SELECT "id", 'Notice de saisie', "studentInstructionsUrl", ARRAY['STUDENTS']::"DocumentAudience"[], 0, true, NOW(), NOW()
FROM "ManagementCentre" WHERE "studentInstructionsUrl" IS NOT NULL AND "studentInstructionsUrl" <> '';

ALTER TABLE "ManagementCentre" DROP COLUMN "studentInstructionsUrl";

-- The default retention periods (months), which the platform administrator may change.
INSERT INTO "RetentionPolicy" ("kind", "months", "updatedAt") VALUES
  ('STUDENT_ACCOUNT', 24, NOW()), ('AGREEMENT', 60, NOW()), ('APPLICATION', 12, NOW()), ('AUDIT', 12, NOW());
