-- DropIndex
DROP INDEX "Offer_kind_idx";

-- DropIndex
DROP INDEX "Offer_postalCode_idx";

-- CreateIndex
CREATE INDEX "Offer_postalCode_idx" ON "Offer"("postalCode" text_pattern_ops);

