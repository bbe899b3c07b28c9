-- The staff offer search sorted by title (?sort=title): accents and case folded by stages_fold()
-- (offer_fulltext migration), computed once by PostgreSQL instead of on every match at each
-- search, and indexed with the id (the order's tie-breaker), so that a page of a list sorted by
-- title is read in the index's order instead of sorting every match (100,000 offers: bench/).

-- AlterTable
ALTER TABLE "Offer" ADD COLUMN     "titleKey" TEXT GENERATED ALWAYS AS ("stages_fold"("title")) STORED;

-- CreateIndex
CREATE INDEX "Offer_titleKey_id_idx" ON "Offer"("titleKey", "id");
