-- CreateEnum
CREATE TYPE "OfferKind" AS ENUM ('INTERNSHIP', 'JOB', 'WORK_STUDY', 'VIE_VIA');

-- CreateEnum
CREATE TYPE "OfferStatus" AS ENUM ('DRAFT', 'PENDING_COMPANY', 'PENDING_SCHOOL', 'PUBLISHED', 'EXPIRED', 'FILLED', 'CANCELLED', 'ARCHIVED');

-- CreateEnum
CREATE TYPE "EducationLevel" AS ENUM ('BAC', 'BAC_2', 'BAC_3', 'BAC_5', 'BAC_8', 'ANY');

-- CreateEnum
CREATE TYPE "WorkingTime" AS ENUM ('FULL_TIME', 'PART_TIME');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('SENT', 'READ', 'INTERVIEW', 'ACCEPTED', 'CANCELLED');

-- CreateTable
CREATE TABLE "Offer" (
    "id" SERIAL NOT NULL,
    "kind" "OfferKind" NOT NULL,
    "status" "OfferStatus" NOT NULL DEFAULT 'DRAFT',
    "title" TEXT NOT NULL,
    "reference" TEXT,
    "domain" TEXT NOT NULL,
    "missions" TEXT,
    "postalCode" TEXT,
    "city" TEXT,
    "country" TEXT NOT NULL DEFAULT 'FR',
    "paid" BOOLEAN NOT NULL DEFAULT false,
    "payDetails" TEXT,
    "startMonth" INTEGER,
    "startYear" INTEGER,
    "startPrecision" TEXT,
    "durationMonths" INTEGER,
    "travel" BOOLEAN NOT NULL DEFAULT false,
    "drivingLicence" BOOLEAN NOT NULL DEFAULT false,
    "workingTime" "WorkingTime",
    "workingTimeComment" TEXT,
    "benefits" TEXT,
    "educationLevel" "EducationLevel",
    "skills" TEXT,
    "applyByPost" BOOLEAN NOT NULL DEFAULT false,
    "applyByEmail" BOOLEAN NOT NULL DEFAULT true,
    "applyByPhone" BOOLEAN NOT NULL DEFAULT false,
    "comments" TEXT,
    "showCompany" BOOLEAN NOT NULL DEFAULT true,
    "shortForm" BOOLEAN NOT NULL DEFAULT false,
    "attachmentFileId" INTEGER,
    "link" TEXT,
    "organisationId" INTEGER NOT NULL,
    "serviceId" INTEGER,
    "applicationContactId" INTEGER,
    "infoContactId" INTEGER,
    "centreId" INTEGER,
    "authorId" INTEGER,
    "fromCompany" BOOLEAN NOT NULL DEFAULT false,
    "publishFrom" TIMESTAMP(3),
    "publishUntil" TIMESTAMP(3),
    "diffusionMonths" INTEGER,
    "rejectionReason" TEXT,
    "targetAll" BOOLEAN NOT NULL DEFAULT true,
    "visits" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Offer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfferTargetCountry" (
    "offerId" INTEGER NOT NULL,
    "country" TEXT NOT NULL,

    CONSTRAINT "OfferTargetCountry_pkey" PRIMARY KEY ("offerId","country")
);

-- CreateTable
CREATE TABLE "OfferTargetInstitution" (
    "offerId" INTEGER NOT NULL,
    "institutionId" INTEGER NOT NULL,

    CONSTRAINT "OfferTargetInstitution_pkey" PRIMARY KEY ("offerId","institutionId")
);

-- CreateTable
CREATE TABLE "OfferTargetProgramme" (
    "offerId" INTEGER NOT NULL,
    "programmeId" INTEGER NOT NULL,

    CONSTRAINT "OfferTargetProgramme_pkey" PRIMARY KEY ("offerId","programmeId")
);

-- CreateTable
CREATE TABLE "OfferDiffusionCentre" (
    "offerId" INTEGER NOT NULL,
    "centreId" INTEGER NOT NULL,

    CONSTRAINT "OfferDiffusionCentre_pkey" PRIMARY KEY ("offerId","centreId")
);

-- CreateTable
CREATE TABLE "OfferVisit" (
    "offerId" INTEGER NOT NULL,
    "studentId" INTEGER NOT NULL,
    "day" DATE NOT NULL,

    CONSTRAINT "OfferVisit_pkey" PRIMARY KEY ("offerId","studentId","day")
);

-- CreateTable
CREATE TABLE "InternshipRequest" (
    "id" SERIAL NOT NULL,
    "studentId" INTEGER NOT NULL,
    "status" "RequestStatus" NOT NULL DEFAULT 'OPEN',
    "title" TEXT NOT NULL,
    "level" "EducationLevel",
    "durationMonths" INTEGER,
    "positionType" TEXT,
    "domain" TEXT,
    "sector" TEXT,
    "description" TEXT,
    "availableFrom" DATE,
    "place" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InternshipRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Application" (
    "id" SERIAL NOT NULL,
    "studentId" INTEGER NOT NULL,
    "offerId" INTEGER,
    "organisationId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "cvFileId" INTEGER,
    "letterFileId" INTEGER,
    "status" "ApplicationStatus" NOT NULL DEFAULT 'SENT',
    "readAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApplicationFile" (
    "applicationId" INTEGER NOT NULL,
    "fileId" INTEGER NOT NULL,

    CONSTRAINT "ApplicationFile_pkey" PRIMARY KEY ("applicationId","fileId")
);

-- CreateTable
CREATE TABLE "ApplicationEvent" (
    "id" SERIAL NOT NULL,
    "applicationId" INTEGER NOT NULL,
    "fromStatus" "ApplicationStatus",
    "toStatus" "ApplicationStatus" NOT NULL,
    "actorId" INTEGER,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApplicationEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Offer_status_publishUntil_idx" ON "Offer"("status", "publishUntil");

-- CreateIndex
CREATE INDEX "Offer_organisationId_idx" ON "Offer"("organisationId");

-- CreateIndex
CREATE INDEX "Offer_centreId_idx" ON "Offer"("centreId");

-- CreateIndex
CREATE INDEX "Offer_authorId_idx" ON "Offer"("authorId");

-- CreateIndex
CREATE INDEX "Offer_kind_idx" ON "Offer"("kind");

-- CreateIndex
CREATE INDEX "Offer_country_idx" ON "Offer"("country");

-- CreateIndex
CREATE INDEX "Offer_postalCode_idx" ON "Offer"("postalCode");

-- CreateIndex
CREATE INDEX "Offer_domain_idx" ON "Offer"("domain");

-- CreateIndex
CREATE INDEX "OfferTargetCountry_country_idx" ON "OfferTargetCountry"("country");

-- CreateIndex
CREATE INDEX "OfferTargetInstitution_institutionId_idx" ON "OfferTargetInstitution"("institutionId");

-- CreateIndex
CREATE INDEX "OfferTargetProgramme_programmeId_idx" ON "OfferTargetProgramme"("programmeId");

-- CreateIndex
CREATE INDEX "OfferDiffusionCentre_centreId_idx" ON "OfferDiffusionCentre"("centreId");

-- CreateIndex
CREATE INDEX "InternshipRequest_studentId_status_idx" ON "InternshipRequest"("studentId", "status");

-- CreateIndex
CREATE INDEX "InternshipRequest_status_domain_idx" ON "InternshipRequest"("status", "domain");

-- CreateIndex
CREATE INDEX "Application_offerId_status_idx" ON "Application"("offerId", "status");

-- CreateIndex
CREATE INDEX "Application_organisationId_status_idx" ON "Application"("organisationId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Application_studentId_offerId_key" ON "Application"("studentId", "offerId");

-- CreateIndex
CREATE INDEX "ApplicationEvent_applicationId_idx" ON "ApplicationEvent"("applicationId");

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_attachmentFileId_fkey" FOREIGN KEY ("attachmentFileId") REFERENCES "StoredFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_applicationContactId_fkey" FOREIGN KEY ("applicationContactId") REFERENCES "Contact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_infoContactId_fkey" FOREIGN KEY ("infoContactId") REFERENCES "Contact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "ManagementCentre"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferTargetCountry" ADD CONSTRAINT "OfferTargetCountry_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferTargetInstitution" ADD CONSTRAINT "OfferTargetInstitution_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferTargetInstitution" ADD CONSTRAINT "OfferTargetInstitution_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "Institution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferTargetProgramme" ADD CONSTRAINT "OfferTargetProgramme_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferTargetProgramme" ADD CONSTRAINT "OfferTargetProgramme_programmeId_fkey" FOREIGN KEY ("programmeId") REFERENCES "Programme"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferDiffusionCentre" ADD CONSTRAINT "OfferDiffusionCentre_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferDiffusionCentre" ADD CONSTRAINT "OfferDiffusionCentre_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "ManagementCentre"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferVisit" ADD CONSTRAINT "OfferVisit_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfferVisit" ADD CONSTRAINT "OfferVisit_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "StudentProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InternshipRequest" ADD CONSTRAINT "InternshipRequest_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "StudentProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Application" ADD CONSTRAINT "Application_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "StudentProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Application" ADD CONSTRAINT "Application_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Application" ADD CONSTRAINT "Application_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Application" ADD CONSTRAINT "Application_cvFileId_fkey" FOREIGN KEY ("cvFileId") REFERENCES "StoredFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Application" ADD CONSTRAINT "Application_letterFileId_fkey" FOREIGN KEY ("letterFileId") REFERENCES "StoredFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationFile" ADD CONSTRAINT "ApplicationFile_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationFile" ADD CONSTRAINT "ApplicationFile_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "StoredFile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationEvent" ADD CONSTRAINT "ApplicationEvent_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationEvent" ADD CONSTRAINT "ApplicationEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

