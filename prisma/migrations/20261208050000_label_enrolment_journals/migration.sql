-- CreateEnum
CREATE TYPE "LabelAnswer" AS ENUM ('YES', 'NO');

-- AlterTable
ALTER TABLE "Programme" ADD COLUMN     "labelDefault" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ManagementCentre" ADD COLUMN     "followUpWithoutLabel" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "LabelEnrolment" (
    "agreementId" INTEGER NOT NULL,
    "studentAnswer" "LabelAnswer",
    "studentAt" TIMESTAMP(3),
    "companyAnswer" "LabelAnswer",
    "companyAt" TIMESTAMP(3),
    "companyById" INTEGER,
    "managerAnswer" "LabelAnswer",
    "managerAt" TIMESTAMP(3),
    "managerById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LabelEnrolment_pkey" PRIMARY KEY ("agreementId")
);

-- CreateTable
CREATE TABLE "JournalEntry" (
    "id" SERIAL NOT NULL,
    "agreementId" INTEGER NOT NULL,
    "day" DATE NOT NULL,
    "done" TEXT NOT NULL,
    "hard" TEXT,
    "difficulty" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JournalEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JournalComment" (
    "id" SERIAL NOT NULL,
    "entryId" INTEGER NOT NULL,
    "authorId" INTEGER,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JournalComment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "JournalEntry_agreementId_day_idx" ON "JournalEntry"("agreementId", "day");

-- CreateIndex
CREATE INDEX "JournalComment_entryId_createdAt_idx" ON "JournalComment"("entryId", "createdAt");

-- AddForeignKey
ALTER TABLE "LabelEnrolment" ADD CONSTRAINT "LabelEnrolment_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelEnrolment" ADD CONSTRAINT "LabelEnrolment_companyById_fkey" FOREIGN KEY ("companyById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelEnrolment" ADD CONSTRAINT "LabelEnrolment_managerById_fkey" FOREIGN KEY ("managerById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JournalEntry" ADD CONSTRAINT "JournalEntry_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JournalComment" ADD CONSTRAINT "JournalComment_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "JournalEntry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JournalComment" ADD CONSTRAINT "JournalComment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

