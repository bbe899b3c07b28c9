-- AlterTable
ALTER TABLE "AgreementAmendment" ADD COLUMN     "checks" JSONB NOT NULL DEFAULT '[]';

