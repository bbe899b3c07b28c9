-- The student's offer list counts its matches among the PUBLISHED offers: an index holding every
-- column its filters read lets PostgreSQL count them from the index alone (index-only scan)
-- instead of visiting each wide offer row (texts, full-text vectors). It starts as the index it
-- replaces (status, publishFrom DESC, id DESC), which still serves the list's order.
DROP INDEX "Offer_status_publishFrom_id_idx";

CREATE INDEX "Offer_published_list_idx" ON "Offer"("status", "publishFrom" DESC, "id" DESC, "publishUntil", "targetAll", "paid", "kind", "educationLevel", "country", "domainKey", "postalCode", "cityKey");

-- "City contains …" (staff search, the student's place filter): trigrams of the folded city, so that
-- the condition narrows the offers before their rows are read.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Offer_cityKey_trgm_idx" ON "Offer" USING GIN ("cityKey" gin_trgm_ops);
