-- The CV book and the matching read the requests a company may see ("visibleInCvBook": OPEN, of an
-- active student who opted into the CV book) and the student's programme from the request itself,
-- so that their counts and pages scan one table instead of joining three. The triggers below keep
-- both columns in step with InternshipRequest.status, StudentProfile.inCvBook / programmeId and
-- User.active; nothing in the application writes them.

-- DropIndex
DROP INDEX "InternshipRequest_match_idx";

-- AlterTable
ALTER TABLE "InternshipRequest" ADD COLUMN     "programmeId" INTEGER,
ADD COLUMN     "visibleInCvBook" BOOLEAN NOT NULL DEFAULT false;

-- A request's own change (created, status or student changed): read its student once.
CREATE FUNCTION "stages_request_cvbook"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT NEW.status = 'OPEN' AND s."inCvBook" AND u.active, s."programmeId"
    INTO NEW."visibleInCvBook", NEW."programmeId"
    FROM "StudentProfile" s JOIN "User" u ON u.id = s."userId"
   WHERE s.id = NEW."studentId";
  NEW."visibleInCvBook" := coalesce(NEW."visibleInCvBook", false);
  RETURN NEW;
END $$;

CREATE TRIGGER "InternshipRequest_cvbook" BEFORE INSERT OR UPDATE OF status, "studentId" ON "InternshipRequest"
  FOR EACH ROW EXECUTE FUNCTION "stages_request_cvbook"();

-- A student opting in or out, changing programme (or account): their requests follow.
CREATE FUNCTION "stages_student_cvbook"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "InternshipRequest" r
     SET "visibleInCvBook" = (r.status = 'OPEN' AND NEW."inCvBook" AND u.active), "programmeId" = NEW."programmeId"
    FROM "User" u
   WHERE u.id = NEW."userId" AND r."studentId" = NEW.id
     AND (r."visibleInCvBook" IS DISTINCT FROM (r.status = 'OPEN' AND NEW."inCvBook" AND u.active)
          OR r."programmeId" IS DISTINCT FROM NEW."programmeId");
  RETURN NULL;
END $$;

CREATE TRIGGER "StudentProfile_cvbook" AFTER UPDATE OF "inCvBook", "programmeId", "userId" ON "StudentProfile"
  FOR EACH ROW EXECUTE FUNCTION "stages_student_cvbook"();

-- An account deactivated or reactivated: the student's requests leave or come back.
CREATE FUNCTION "stages_user_cvbook"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "InternshipRequest" r
     SET "visibleInCvBook" = (r.status = 'OPEN' AND s."inCvBook" AND NEW.active)
    FROM "StudentProfile" s
   WHERE s."userId" = NEW.id AND r."studentId" = s.id
     AND r."visibleInCvBook" IS DISTINCT FROM (r.status = 'OPEN' AND s."inCvBook" AND NEW.active);
  RETURN NULL;
END $$;

CREATE TRIGGER "User_cvbook" AFTER UPDATE OF active ON "User"
  FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active) EXECUTE FUNCTION "stages_user_cvbook"();

-- Existing rows.
UPDATE "InternshipRequest" r
   SET "visibleInCvBook" = (r.status = 'OPEN' AND s."inCvBook" AND u.active), "programmeId" = s."programmeId"
  FROM "StudentProfile" s JOIN "User" u ON u.id = s."userId"
 WHERE s.id = r."studentId";

-- CreateIndex (after the rows are filled)
CREATE INDEX "InternshipRequest_match_idx" ON "InternshipRequest"("domainKey", "visibleInCvBook", "id", "level", "durationMonths", "placeTokens");

-- CreateIndex
CREATE INDEX "InternshipRequest_cvbook_idx" ON "InternshipRequest"("visibleInCvBook", "updatedAt" DESC, "id" DESC, "domain", "sector", "level", "durationMonths", "programmeId", "availableFrom", "placeTokens");
