-- CreateEnum
CREATE TYPE "ReminderMode" AS ENUM ('DIGEST', 'PER_STEP');

-- CreateEnum
CREATE TYPE "EvaluationKind" AS ENUM ('COMPANY', 'ACADEMIC', 'STUDENT');

-- CreateEnum
CREATE TYPE "LabelDecision" AS ENUM ('AWARDED', 'REFUSED');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "reminderMode" "ReminderMode" NOT NULL DEFAULT 'DIGEST';

-- CreateTable
CREATE TABLE "EvaluationForm" (
    "id" SERIAL NOT NULL,
    "centreId" INTEGER,
    "kind" "EvaluationKind" NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" INTEGER,

    CONSTRAINT "EvaluationForm_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Evaluation" (
    "id" SERIAL NOT NULL,
    "agreementId" INTEGER NOT NULL,
    "kind" "EvaluationKind" NOT NULL,
    "formId" INTEGER NOT NULL,
    "answers" JSONB NOT NULL,
    "proposedGrade" DECIMAL(4,2),
    "submittedAt" TIMESTAMP(3) NOT NULL,
    "submittedById" INTEGER,
    "consultedAt" TIMESTAMP(3),
    "consultedById" INTEGER,

    CONSTRAINT "Evaluation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvaluationLink" (
    "id" SERIAL NOT NULL,
    "agreementId" INTEGER NOT NULL,
    "email" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EvaluationLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InternshipGrade" (
    "agreementId" INTEGER NOT NULL,
    "defenceOn" DATE NOT NULL,
    "grade" DECIMAL(4,2) NOT NULL,
    "comment" TEXT,
    "recordedAt" TIMESTAMP(3) NOT NULL,
    "recordedById" INTEGER,

    CONSTRAINT "InternshipGrade_pkey" PRIMARY KEY ("agreementId")
);

-- CreateTable
CREATE TABLE "LabelAward" (
    "agreementId" INTEGER NOT NULL,
    "decision" "LabelDecision" NOT NULL,
    "code" TEXT,
    "reason" TEXT,
    "decidedAt" TIMESTAMP(3) NOT NULL,
    "decidedById" INTEGER,
    "withdrawnAt" TIMESTAMP(3),
    "withdrawReason" TEXT,

    CONSTRAINT "LabelAward_pkey" PRIMARY KEY ("agreementId")
);

-- CreateTable
CREATE TABLE "StepReminder" (
    "userId" INTEGER NOT NULL,
    "agreementId" INTEGER NOT NULL,
    "step" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StepReminder_pkey" PRIMARY KEY ("userId","agreementId","step","day")
);

-- CreateIndex
CREATE INDEX "EvaluationForm_kind_centreId_idx" ON "EvaluationForm"("kind", "centreId");

-- CreateIndex
CREATE UNIQUE INDEX "EvaluationForm_centreId_kind_version_key" ON "EvaluationForm"("centreId", "kind", "version");

-- CreateIndex
CREATE INDEX "Evaluation_formId_idx" ON "Evaluation"("formId");

-- CreateIndex
CREATE INDEX "Evaluation_kind_submittedAt_idx" ON "Evaluation"("kind", "submittedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Evaluation_agreementId_kind_key" ON "Evaluation"("agreementId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "EvaluationLink_tokenHash_key" ON "EvaluationLink"("tokenHash");

-- CreateIndex
CREATE INDEX "EvaluationLink_agreementId_idx" ON "EvaluationLink"("agreementId");

-- CreateIndex
CREATE UNIQUE INDEX "LabelAward_code_key" ON "LabelAward"("code");

-- CreateIndex
CREATE INDEX "LabelAward_decision_decidedAt_idx" ON "LabelAward"("decision", "decidedAt");

-- CreateIndex
CREATE INDEX "StepReminder_day_idx" ON "StepReminder"("day");

-- CreateIndex
CREATE INDEX "StepReminder_agreementId_idx" ON "StepReminder"("agreementId");

-- AddForeignKey
ALTER TABLE "EvaluationForm" ADD CONSTRAINT "EvaluationForm_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "ManagementCentre"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvaluationForm" ADD CONSTRAINT "EvaluationForm_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_formId_fkey" FOREIGN KEY ("formId") REFERENCES "EvaluationForm"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_submittedById_fkey" FOREIGN KEY ("submittedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_consultedById_fkey" FOREIGN KEY ("consultedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvaluationLink" ADD CONSTRAINT "EvaluationLink_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InternshipGrade" ADD CONSTRAINT "InternshipGrade_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InternshipGrade" ADD CONSTRAINT "InternshipGrade_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelAward" ADD CONSTRAINT "LabelAward_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelAward" ADD CONSTRAINT "LabelAward_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepReminder" ADD CONSTRAINT "StepReminder_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepReminder" ADD CONSTRAINT "StepReminder_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

