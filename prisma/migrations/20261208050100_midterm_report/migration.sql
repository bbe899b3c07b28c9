-- CreateEnum
CREATE TYPE "MidtermStatus" AS ENUM ('OPEN', 'SUBMITTED', 'ACKNOWLEDGED');

-- CreateTable
CREATE TABLE "MidtermReport" (
    "agreementId" INTEGER NOT NULL,
    "status" "MidtermStatus" NOT NULL DEFAULT 'OPEN',
    "opensOn" DATE NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "achievements" TEXT,
    "difficulties" TEXT,
    "changes" TEXT,
    "nextSteps" TEXT,
    "submittedAt" TIMESTAMP(3),
    "companyAckAt" TIMESTAMP(3),
    "companyAckById" INTEGER,
    "companyComment" TEXT,
    "academicAckAt" TIMESTAMP(3),
    "academicAckById" INTEGER,
    "academicComment" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MidtermReport_pkey" PRIMARY KEY ("agreementId")
);

-- CreateIndex
CREATE INDEX "MidtermReport_status_idx" ON "MidtermReport"("status");

-- AddForeignKey
ALTER TABLE "MidtermReport" ADD CONSTRAINT "MidtermReport_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MidtermReport" ADD CONSTRAINT "MidtermReport_companyAckById_fkey" FOREIGN KEY ("companyAckById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MidtermReport" ADD CONSTRAINT "MidtermReport_academicAckById_fkey" FOREIGN KEY ("academicAckById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

