-- CreateEnum
CREATE TYPE "InternshipType" AS ENUM ('MANDATORY', 'RECOMMENDED', 'REORIENTATION', 'GAP_YEAR');

-- CreateEnum
CREATE TYPE "AgreementStatus" AS ENUM ('DRAFT', 'SUBMITTED', 'PEDAGOGICAL_DONE', 'ADMINISTRATIVE_DONE', 'VALIDATED');

-- AlterTable
ALTER TABLE "ManagementCentre" ADD COLUMN     "administrativeFirst" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "administrativeLabelEn" TEXT,
ADD COLUMN     "administrativeLabelFr" TEXT,
ADD COLUMN     "administrativeStep" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "agreementAlertDays" INTEGER NOT NULL DEFAULT 15,
ADD COLUMN     "agreementOverlapAllowed" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "pedagogicalLabelEn" TEXT,
ADD COLUMN     "pedagogicalLabelFr" TEXT,
ADD COLUMN     "pedagogicalStep" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "studentsMayCreateAgreements" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Agreement" (
    "id" SERIAL NOT NULL,
    "institutionId" INTEGER NOT NULL,
    "academicYear" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "centreId" INTEGER NOT NULL,
    "studentId" INTEGER NOT NULL,
    "studyYearId" INTEGER,
    "programmeId" INTEGER,
    "offerId" INTEGER,
    "sheetId" INTEGER,
    "organisationId" INTEGER NOT NULL,
    "serviceId" INTEGER,
    "companyTutorId" INTEGER,
    "signatoryId" INTEGER,
    "academicTutorId" INTEGER,
    "type" "InternshipType" NOT NULL,
    "subject" TEXT NOT NULL,
    "theme" TEXT,
    "activities" TEXT,
    "skills" TEXT,
    "startDate" DATE NOT NULL,
    "endDate" DATE NOT NULL,
    "interruptions" JSONB NOT NULL DEFAULT '[]',
    "schedule" JSONB NOT NULL,
    "daysPerWeek" DECIMAL(3,1) NOT NULL DEFAULT 5,
    "workingTime" "WorkingTime" NOT NULL DEFAULT 'FULL_TIME',
    "nightPresence" TEXT,
    "sundayPresence" TEXT,
    "holidayPresence" TEXT,
    "payAmount" DECIMAL(10,2),
    "payUnit" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'EUR',
    "paymentMethod" TEXT,
    "benefitsMeals" TEXT,
    "benefitsTransport" TEXT,
    "benefitsOther" TEXT,
    "leaveTerms" TEXT,
    "supervisionTerms" TEXT,
    "confidential" BOOLEAN NOT NULL DEFAULT false,
    "printLanguage" TEXT NOT NULL DEFAULT 'fr',
    "rulesCountry" TEXT NOT NULL DEFAULT 'FR',
    "holidaysCountry" TEXT NOT NULL DEFAULT 'FR',
    "presenceHours" DECIMAL(9,2),
    "presenceDays" INTEGER,
    "presenceMonths" INTEGER,
    "previousHours" DECIMAL(9,2),
    "stipendDue" BOOLEAN,
    "hourlyMinimum" DECIMAL(12,4),
    "stipendTotal" DECIMAL(12,2),
    "snapshot" JSONB,
    "status" "AgreementStatus" NOT NULL DEFAULT 'DRAFT',
    "createdById" INTEGER,
    "submittedAt" TIMESTAMP(3),
    "submittedById" INTEGER,
    "pedagogicalAt" TIMESTAMP(3),
    "pedagogicalById" INTEGER,
    "administrativeAt" TIMESTAMP(3),
    "administrativeById" INTEGER,
    "validatedAt" TIMESTAMP(3),
    "validatedById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Agreement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgreementCounter" (
    "institutionId" INTEGER NOT NULL,
    "academicYear" TEXT NOT NULL,
    "last" INTEGER NOT NULL,

    CONSTRAINT "AgreementCounter_pkey" PRIMARY KEY ("institutionId","academicYear")
);

-- CreateIndex
CREATE UNIQUE INDEX "Agreement_sheetId_key" ON "Agreement"("sheetId");

-- CreateIndex
CREATE INDEX "Agreement_centreId_academicYear_status_idx" ON "Agreement"("centreId", "academicYear", "status");

-- CreateIndex
CREATE INDEX "Agreement_studentId_startDate_idx" ON "Agreement"("studentId", "startDate");

-- CreateIndex
CREATE INDEX "Agreement_organisationId_startDate_idx" ON "Agreement"("organisationId", "startDate");

-- CreateIndex
CREATE INDEX "Agreement_startDate_idx" ON "Agreement"("startDate");

-- CreateIndex
CREATE INDEX "Agreement_companyTutorId_startDate_idx" ON "Agreement"("companyTutorId", "startDate");

-- CreateIndex
CREATE INDEX "Agreement_academicTutorId_startDate_idx" ON "Agreement"("academicTutorId", "startDate");

-- CreateIndex
CREATE INDEX "Agreement_studyYearId_idx" ON "Agreement"("studyYearId");

-- CreateIndex
CREATE INDEX "Agreement_programmeId_idx" ON "Agreement"("programmeId");

-- CreateIndex
CREATE INDEX "Agreement_offerId_idx" ON "Agreement"("offerId");

-- CreateIndex
CREATE INDEX "Agreement_serviceId_idx" ON "Agreement"("serviceId");

-- CreateIndex
CREATE INDEX "Agreement_signatoryId_idx" ON "Agreement"("signatoryId");

-- CreateIndex
CREATE UNIQUE INDEX "Agreement_institutionId_academicYear_seq_key" ON "Agreement"("institutionId", "academicYear", "seq");

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "Institution"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "ManagementCentre"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "StudentProfile"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_studyYearId_fkey" FOREIGN KEY ("studyYearId") REFERENCES "StudyYear"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_programmeId_fkey" FOREIGN KEY ("programmeId") REFERENCES "Programme"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_companyTutorId_fkey" FOREIGN KEY ("companyTutorId") REFERENCES "Contact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_signatoryId_fkey" FOREIGN KEY ("signatoryId") REFERENCES "Contact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_academicTutorId_fkey" FOREIGN KEY ("academicTutorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_submittedById_fkey" FOREIGN KEY ("submittedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_pedagogicalById_fkey" FOREIGN KEY ("pedagogicalById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_administrativeById_fkey" FOREIGN KEY ("administrativeById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agreement" ADD CONSTRAINT "Agreement_validatedById_fkey" FOREIGN KEY ("validatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementCounter" ADD CONSTRAINT "AgreementCounter_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "Institution"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

