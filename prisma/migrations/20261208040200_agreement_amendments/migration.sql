-- CreateEnum
CREATE TYPE "AmendmentStatus" AS ENUM ('DRAFT', 'SIGNING', 'SIGNED', 'VALIDATED');

-- AlterTable
ALTER TABLE "ManagementCentre" ADD COLUMN     "studentsMayAmend" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Agreement" ADD COLUMN     "originalSnapshot" JSONB;

-- AlterTable
ALTER TABLE "AgreementSignature" ADD COLUMN     "amendmentId" INTEGER;

-- CreateTable
CREATE TABLE "AgreementAmendment" (
    "id" SERIAL NOT NULL,
    "agreementId" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "status" "AmendmentStatus" NOT NULL DEFAULT 'DRAFT',
    "reason" TEXT NOT NULL,
    "kinds" TEXT[],
    "changes" JSONB NOT NULL DEFAULT '{}',
    "otherText" TEXT,
    "terminationOn" DATE,
    "terminationComment" TEXT,
    "beforeSnapshot" JSONB NOT NULL,
    "snapshot" JSONB NOT NULL,
    "createdById" INTEGER,
    "signaturesOpenedAt" TIMESTAMP(3),
    "signedAt" TIMESTAMP(3),
    "finalPdfFileId" INTEGER,
    "finalPdfSha256" TEXT,
    "validatedAt" TIMESTAMP(3),
    "validatedById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AgreementAmendment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AgreementAmendment_status_idx" ON "AgreementAmendment"("status");

-- CreateIndex
CREATE UNIQUE INDEX "AgreementAmendment_agreementId_seq_key" ON "AgreementAmendment"("agreementId", "seq");

-- CreateIndex
CREATE INDEX "AgreementSignature_amendmentId_status_idx" ON "AgreementSignature"("amendmentId", "status");

-- AddForeignKey
ALTER TABLE "AgreementSignature" ADD CONSTRAINT "AgreementSignature_amendmentId_fkey" FOREIGN KEY ("amendmentId") REFERENCES "AgreementAmendment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementAmendment" ADD CONSTRAINT "AgreementAmendment_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementAmendment" ADD CONSTRAINT "AgreementAmendment_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementAmendment" ADD CONSTRAINT "AgreementAmendment_finalPdfFileId_fkey" FOREIGN KEY ("finalPdfFileId") REFERENCES "StoredFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementAmendment" ADD CONSTRAINT "AgreementAmendment_validatedById_fkey" FOREIGN KEY ("validatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

