-- CreateEnum
CREATE TYPE "InsuranceAffiliation" AS ENUM ('GENERAL', 'AGRICULTURAL', 'SPECIAL', 'FOREIGN', 'OTHER');

-- CreateEnum
CREATE TYPE "HeadcountBand" AS ENUM ('NONE', 'FROM_1_TO_9', 'FROM_10_TO_49', 'FROM_50_TO_249', 'FROM_250_TO_4999', 'FROM_5000');

-- CreateEnum
CREATE TYPE "StructureType" AS ENUM ('COMPANY', 'PUBLIC_COMPANY', 'ASSOCIATION', 'PUBLIC_ADMINISTRATION', 'PUBLIC_LAB', 'HOSPITAL', 'INTERNATIONAL', 'OTHER');

-- CreateEnum
CREATE TYPE "LegalStatus" AS ENUM ('SA', 'SAS', 'SASU', 'SARL', 'EURL', 'SNC', 'SCOP', 'EI', 'ASSOCIATION', 'PUBLIC_BODY', 'FOREIGN', 'OTHER');

-- AlterTable
ALTER TABLE "StudentProfile" ADD COLUMN     "addressLine1" TEXT,
ADD COLUMN     "addressLine2" TEXT,
ADD COLUMN     "birthDate" DATE,
ADD COLUMN     "city" TEXT,
ADD COLUMN     "country" TEXT DEFAULT 'FR',
ADD COLUMN     "cvFileId" INTEGER,
ADD COLUMN     "healthFund" TEXT,
ADD COLUMN     "inCvBook" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "insurance" "InsuranceAffiliation",
ADD COLUMN     "languages" TEXT,
ADD COLUMN     "postalCode" TEXT,
ADD COLUMN     "skills" TEXT,
ADD COLUMN     "ssn" TEXT;

-- AlterTable
-- Written by hand from Prisma's diff: the new required columns are added nullable, filled for the
-- organisations that already exist (demo data of the first version), then made NOT NULL.
ALTER TABLE "Organisation" ADD COLUMN     "addressLine1" TEXT,
ADD COLUMN     "addressLine2" TEXT,
ADD COLUMN     "centreId" INTEGER,
ADD COLUMN     "createdById" INTEGER,
ADD COLUMN     "department" TEXT,
ADD COLUMN     "description" TEXT,
ADD COLUMN     "email" TEXT,
ADD COLUMN     "fax" TEXT,
ADD COLUMN     "faxDigits" TEXT,
ADD COLUMN     "headcount" "HeadcountBand",
ADD COLUMN     "keywords" TEXT,
ADD COLUMN     "legalStatus" "LegalStatus",
ADD COLUMN     "nafCode" TEXT,
ADD COLUMN     "normalizedName" TEXT,
ADD COLUMN     "partnership" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "phoneDigits" TEXT,
ADD COLUMN     "sector" TEXT,
ADD COLUMN     "structureType" "StructureType",
ADD COLUMN     "termsAcceptedAt" TIMESTAMP(3),
ADD COLUMN     "termsAcceptedById" INTEGER,
ADD COLUMN     "termsVersion" TEXT,
ADD COLUMN     "verifiedAt" TIMESTAMP(3),
ADD COLUMN     "verifiedById" INTEGER,
ADD COLUMN     "website" TEXT;

UPDATE "Organisation" SET
  "addressLine1" = '',
  "postalCode" = COALESCE("postalCode", ''),
  "city" = COALESCE("city", ''),
  "phone" = COALESCE("phone", ''),
  "phoneDigits" = regexp_replace(COALESCE("phone", ''), '[^0-9]', '', 'g'),
  "normalizedName" = lower("legalName"),
  "nafCode" = '00.00Z',
  "headcount" = 'FROM_10_TO_49',
  "structureType" = 'COMPANY',
  "legalStatus" = 'OTHER';

ALTER TABLE "Organisation" ALTER COLUMN "addressLine1" SET NOT NULL,
ALTER COLUMN "headcount" SET NOT NULL,
ALTER COLUMN "legalStatus" SET NOT NULL,
ALTER COLUMN "nafCode" SET NOT NULL,
ALTER COLUMN "normalizedName" SET NOT NULL,
ALTER COLUMN "phoneDigits" SET NOT NULL,
ALTER COLUMN "structureType" SET NOT NULL,
ALTER COLUMN "postalCode" SET NOT NULL,
ALTER COLUMN "city" SET NOT NULL,
ALTER COLUMN "phone" SET NOT NULL;

-- CreateTable
CREATE TABLE "Service" (
    "id" SERIAL NOT NULL,
    "organisationId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "normalizedName" TEXT NOT NULL,
    "sameAddress" BOOLEAN NOT NULL DEFAULT true,
    "addressLine1" TEXT,
    "addressLine2" TEXT,
    "postalCode" TEXT,
    "city" TEXT,
    "country" TEXT,
    "department" TEXT,
    "phone" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Service_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" SERIAL NOT NULL,
    "organisationId" INTEGER NOT NULL,
    "serviceId" INTEGER,
    "civility" "Civility" NOT NULL DEFAULT 'NONE',
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "function" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "userId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Service_organisationId_idx" ON "Service"("organisationId");

-- CreateIndex
CREATE INDEX "Service_normalizedName_idx" ON "Service"("normalizedName");

-- CreateIndex
CREATE INDEX "Service_department_idx" ON "Service"("department");

-- CreateIndex
CREATE INDEX "Contact_organisationId_idx" ON "Contact"("organisationId");

-- CreateIndex
CREATE INDEX "Contact_serviceId_idx" ON "Contact"("serviceId");

-- CreateIndex
CREATE INDEX "Contact_userId_idx" ON "Contact"("userId");

-- CreateIndex
CREATE INDEX "Organisation_normalizedName_idx" ON "Organisation"("normalizedName");

-- CreateIndex
CREATE INDEX "Organisation_nafCode_idx" ON "Organisation"("nafCode");

-- CreateIndex
CREATE INDEX "Organisation_phoneDigits_idx" ON "Organisation"("phoneDigits");

-- CreateIndex
CREATE INDEX "Organisation_faxDigits_idx" ON "Organisation"("faxDigits");

-- CreateIndex
CREATE INDEX "Organisation_department_idx" ON "Organisation"("department");

-- CreateIndex
CREATE INDEX "Organisation_postalCode_idx" ON "Organisation"("postalCode");

-- CreateIndex
CREATE INDEX "Organisation_country_idx" ON "Organisation"("country");

-- CreateIndex
CREATE INDEX "Organisation_verified_centreId_idx" ON "Organisation"("verified", "centreId");

-- AddForeignKey
ALTER TABLE "StudentProfile" ADD CONSTRAINT "StudentProfile_cvFileId_fkey" FOREIGN KEY ("cvFileId") REFERENCES "StoredFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Organisation" ADD CONSTRAINT "Organisation_verifiedById_fkey" FOREIGN KEY ("verifiedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Organisation" ADD CONSTRAINT "Organisation_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "ManagementCentre"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Organisation" ADD CONSTRAINT "Organisation_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Service" ADD CONSTRAINT "Service_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

