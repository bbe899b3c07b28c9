-- CreateEnum
CREATE TYPE "SignatureParty" AS ENUM ('STUDENT', 'HOST_SIGNATORY', 'COMPANY_TUTOR', 'ACADEMIC_TUTOR', 'INSTITUTION');

-- CreateEnum
CREATE TYPE "SignatureStatus" AS ENUM ('WAITING', 'INVITED', 'SIGNED', 'VOIDED');

-- CreateEnum
CREATE TYPE "SignatureChannel" AS ENUM ('ACCOUNT', 'LINK', 'PAPER');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


-- Before VALIDATED, where the schema declares them (the order of the states).
ALTER TYPE "AgreementStatus" ADD VALUE 'SIGNING' BEFORE 'VALIDATED';
ALTER TYPE "AgreementStatus" ADD VALUE 'SIGNED' BEFORE 'VALIDATED';

-- AlterTable
ALTER TABLE "ManagementCentre" ADD COLUMN     "signatureAutoValidate" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "signatureInSequence" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "signatureParties" "SignatureParty"[] DEFAULT ARRAY['STUDENT', 'HOST_SIGNATORY', 'COMPANY_TUTOR', 'ACADEMIC_TUTOR', 'INSTITUTION']::"SignatureParty"[],
ADD COLUMN     "signatureRepresentativeId" INTEGER;

-- AlterTable
ALTER TABLE "Agreement" ADD COLUMN     "finalPdfFileId" INTEGER,
ADD COLUMN     "finalPdfSha256" TEXT,
ADD COLUMN     "signaturesOpenedAt" TIMESTAMP(3),
ADD COLUMN     "signedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AgreementSignature" (
    "id" SERIAL NOT NULL,
    "agreementId" INTEGER NOT NULL,
    "party" "SignatureParty" NOT NULL,
    "position" INTEGER NOT NULL,
    "status" "SignatureStatus" NOT NULL DEFAULT 'WAITING',
    "signerName" TEXT NOT NULL,
    "signerEmail" TEXT,
    "signerId" INTEGER,
    "invitedAt" TIMESTAMP(3),
    "lastReminderAt" TIMESTAMP(3),
    "reminderCount" INTEGER NOT NULL DEFAULT 0,
    "signedAt" TIMESTAMP(3),
    "channel" "SignatureChannel",
    "clientIp" TEXT,
    "userAgent" TEXT,
    "pdfSha256" TEXT,
    "paperSignedOn" DATE,
    "paperFileId" INTEGER,
    "recordedById" INTEGER,
    "voidedAt" TIMESTAMP(3),
    "voidReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgreementSignature_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignatureLink" (
    "id" SERIAL NOT NULL,
    "signatureId" INTEGER NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignatureLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AgreementSignature_agreementId_status_idx" ON "AgreementSignature"("agreementId", "status");

-- CreateIndex
CREATE INDEX "AgreementSignature_status_invitedAt_idx" ON "AgreementSignature"("status", "invitedAt");

-- CreateIndex
CREATE INDEX "AgreementSignature_signerId_status_idx" ON "AgreementSignature"("signerId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "SignatureLink_tokenHash_key" ON "SignatureLink"("tokenHash");

-- CreateIndex
CREATE INDEX "SignatureLink_signatureId_idx" ON "SignatureLink"("signatureId");

-- AddForeignKey
ALTER TABLE "ManagementCentre" ADD CONSTRAINT "ManagementCentre_signatureRepresentativeId_fkey" FOREIGN KEY ("signatureRepresentativeId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_finalPdfFileId_fkey" FOREIGN KEY ("finalPdfFileId") REFERENCES "StoredFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementSignature" ADD CONSTRAINT "AgreementSignature_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementSignature" ADD CONSTRAINT "AgreementSignature_signerId_fkey" FOREIGN KEY ("signerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementSignature" ADD CONSTRAINT "AgreementSignature_paperFileId_fkey" FOREIGN KEY ("paperFileId") REFERENCES "StoredFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementSignature" ADD CONSTRAINT "AgreementSignature_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SignatureLink" ADD CONSTRAINT "SignatureLink_signatureId_fkey" FOREIGN KEY ("signatureId") REFERENCES "AgreementSignature"("id") ON DELETE CASCADE ON UPDATE CASCADE;

