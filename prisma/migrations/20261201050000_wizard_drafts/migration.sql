-- Drafts of multi-screen forms (src/http/wizard.ts): what the screens collected, kept in the
-- database until the last screen is confirmed, so that a form can be resumed on another device.

-- CreateTable
CREATE TABLE "WizardDraft" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "ownerId" INTEGER,
    "token" TEXT,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WizardDraft_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "WizardDraft_token_key" ON "WizardDraft"("token");

-- CreateIndex
CREATE INDEX "WizardDraft_expiresAt_idx" ON "WizardDraft"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "WizardDraft_ownerId_kind_key" ON "WizardDraft"("ownerId", "kind");

-- AddForeignKey
ALTER TABLE "WizardDraft" ADD CONSTRAINT "WizardDraft_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

