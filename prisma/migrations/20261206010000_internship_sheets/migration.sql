-- CreateEnum
CREATE TYPE "SheetStatus" AS ENUM ('DRAFT', 'SUBMITTED', 'RETURNED', 'VALIDATED');

-- CreateTable
CREATE TABLE "InternshipSheet" (
    "id" SERIAL NOT NULL,
    "studentId" INTEGER NOT NULL,
    "applicationId" INTEGER,
    "organisationId" INTEGER,
    "status" "SheetStatus" NOT NULL DEFAULT 'DRAFT',
    "data" JSONB NOT NULL,
    "sentData" JSONB,
    "sentAt" TIMESTAMP(3),
    "returnComment" TEXT,
    "returnedAt" TIMESTAMP(3),
    "validatedAt" TIMESTAMP(3),
    "validatedById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InternshipSheet_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InternshipSheet_applicationId_key" ON "InternshipSheet"("applicationId");

-- CreateIndex
CREATE INDEX "InternshipSheet_studentId_createdAt_idx" ON "InternshipSheet"("studentId", "createdAt");

-- CreateIndex
CREATE INDEX "InternshipSheet_status_idx" ON "InternshipSheet"("status");

-- CreateIndex
CREATE INDEX "InternshipSheet_organisationId_idx" ON "InternshipSheet"("organisationId");

-- AddForeignKey
ALTER TABLE "InternshipSheet" ADD CONSTRAINT "InternshipSheet_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "StudentProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InternshipSheet" ADD CONSTRAINT "InternshipSheet_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InternshipSheet" ADD CONSTRAINT "InternshipSheet_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InternshipSheet" ADD CONSTRAINT "InternshipSheet_validatedById_fkey" FOREIGN KEY ("validatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

