-- The agreement search by the student's name (issue 12): the names folded by stages_fold() (accents
-- and case) are copied onto the agreement, so that "martin" is a range of one index read with the
-- actor's reach, instead of a case-insensitive scan of every user joined to every agreement
-- (200,000 agreements: bench/agreements.ts). Triggers keep the copy: on the agreement's insert or
-- change of student, on a change of the user's names, on a profile moved to another user.
-- The student number gets an index of its own (the unique one starts with the institution).

-- AlterTable
ALTER TABLE "Agreement" ADD COLUMN     "studentFirstNameKey" TEXT,
ADD COLUMN     "studentLastNameKey" TEXT;

-- CreateIndex
CREATE INDEX "StudentProfile_studentNumber_idx" ON "StudentProfile"("studentNumber");

-- CreateIndex
CREATE INDEX "Agreement_studentLastNameKey_idx" ON "Agreement"("studentLastNameKey" text_pattern_ops);

CREATE FUNCTION "stages_agreement_student_names"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT "stages_fold"(u."lastName"), "stages_fold"(u."firstName") INTO NEW."studentLastNameKey", NEW."studentFirstNameKey"
    FROM "StudentProfile" s JOIN "User" u ON u.id = s."userId" WHERE s.id = NEW."studentId";
  RETURN NEW;
END $$;

CREATE TRIGGER "Agreement_student_names" BEFORE INSERT OR UPDATE OF "studentId", "studentLastNameKey", "studentFirstNameKey" ON "Agreement"
  FOR EACH ROW EXECUTE FUNCTION "stages_agreement_student_names"();

CREATE FUNCTION "stages_user_agreement_names"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Agreement" a SET "studentLastNameKey" = NULL FROM "StudentProfile" s WHERE s."userId" = NEW.id AND a."studentId" = s.id;
  RETURN NULL;
END $$;

-- Only when a name changes: the UPDATE above fires the agreement's trigger, which reads them again.
CREATE TRIGGER "User_agreement_names" AFTER UPDATE OF "firstName", "lastName" ON "User"
  FOR EACH ROW WHEN (OLD."firstName" IS DISTINCT FROM NEW."firstName" OR OLD."lastName" IS DISTINCT FROM NEW."lastName")
  EXECUTE FUNCTION "stages_user_agreement_names"();

CREATE FUNCTION "stages_profile_agreement_names"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Agreement" SET "studentLastNameKey" = NULL WHERE "studentId" = NEW.id;
  RETURN NULL;
END $$;

CREATE TRIGGER "StudentProfile_agreement_names" AFTER UPDATE OF "userId" ON "StudentProfile"
  FOR EACH ROW WHEN (OLD."userId" IS DISTINCT FROM NEW."userId")
  EXECUTE FUNCTION "stages_profile_agreement_names"();

-- The agreements already there.
UPDATE "Agreement" SET "studentLastNameKey" = NULL;
