-- The centre's agreement dashboard counts its agreements of a year by state and, among them, those
-- not validated starting within N days, in one statement: with the start date in the index, that
-- statement reads the index alone (an index-only scan) instead of every row of the centre's year.
-- It replaces the index without the start date, whose every use it serves.

-- DropIndex
DROP INDEX "Agreement_centreId_academicYear_status_idx";

-- CreateIndex
CREATE INDEX "Agreement_centreId_academicYear_status_startDate_idx" ON "Agreement"("centreId", "academicYear", "status", "startDate");
