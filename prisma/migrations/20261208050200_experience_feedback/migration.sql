-- CreateEnum
CREATE TYPE "FeedbackModeration" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateTable
CREATE TABLE "ExperienceFeedback" (
    "agreementId" INTEGER NOT NULL,
    "workConditions" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "supervision" TEXT NOT NULL,
    "advice" TEXT NOT NULL,
    "recommend" BOOLEAN NOT NULL,
    "wishKnown" TEXT,
    "shareable" BOOLEAN NOT NULL DEFAULT false,
    "moderation" "FeedbackModeration",
    "moderatedAt" TIMESTAMP(3),
    "moderatedById" INTEGER,
    "moderationNote" TEXT,
    "submittedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ExperienceFeedback_pkey" PRIMARY KEY ("agreementId")
);

-- CreateIndex
CREATE INDEX "ExperienceFeedback_moderation_idx" ON "ExperienceFeedback"("moderation");

-- AddForeignKey
ALTER TABLE "ExperienceFeedback" ADD CONSTRAINT "ExperienceFeedback_agreementId_fkey" FOREIGN KEY ("agreementId") REFERENCES "Agreement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExperienceFeedback" ADD CONSTRAINT "ExperienceFeedback_moderatedById_fkey" FOREIGN KEY ("moderatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

