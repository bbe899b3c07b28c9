-- One open spontaneous application per student and organisation, decided by the database: the
-- service's "already applied?" look-up alone let parallel submissions through (50 at once made 50).
-- Prisma's schema cannot say "unique where open and spontaneous" (a partial index), so the rule is
-- a STORED generated column, the organisation while the application is open and spontaneous and
-- null otherwise, under an ordinary unique index that the schema declares (nulls never clash).

-- Duplicates an earlier race left: the oldest stays open, the later ones are cancelled (with an
-- event in their history), or the index below could not be built.
WITH dup AS (
  SELECT a.id, a.status FROM "Application" a
  WHERE a."offerId" IS NULL AND a."status" IN ('SENT', 'READ', 'INTERVIEW')
    AND EXISTS (
      SELECT 1 FROM "Application" b
      WHERE b."studentId" = a."studentId" AND b."organisationId" = a."organisationId" AND b."offerId" IS NULL
        AND b."status" IN ('SENT', 'READ', 'INTERVIEW') AND b.id < a.id
    )
), ev AS (
  INSERT INTO "ApplicationEvent" ("applicationId", "fromStatus", "toStatus", "actorId", "comment", "createdAt")
  SELECT id, status, 'CANCELLED', NULL, 'Doublon', CURRENT_TIMESTAMP FROM dup
)
UPDATE "Application" SET "status" = 'CANCELLED', "updatedAt" = CURRENT_TIMESTAMP WHERE id IN (SELECT id FROM dup);

-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "openSpontaneousOrgId" INTEGER GENERATED ALWAYS AS (CASE WHEN "offerId" IS NULL AND "status" IN ('SENT', 'READ', 'INTERVIEW') THEN "organisationId" END) STORED;

-- CreateIndex
CREATE UNIQUE INDEX "Application_open_spontaneous_key" ON "Application"("studentId", "openSpontaneousOrgId");
