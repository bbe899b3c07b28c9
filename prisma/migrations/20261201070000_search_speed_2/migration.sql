-- The matching of a student's requests scores every visible offer of a request's domain without its
-- keywords first: an index holding the columns that score and the visibility read lets PostgreSQL
-- do it from the index alone (index-only scan), so that only the few pairs that can still reach the
-- best ones read their offer's row for the full-text rank (src/modules/requests/matching.ts). The
-- offer lists' filters (paid, kind, country, postal code) are there too: the lists' domain filter,
-- an equality on the few domains containing the typed text, reads that domain's offers from it.
CREATE INDEX "Offer_match_idx" ON "Offer"("domainKey", "status", "id", "publishFrom", "publishUntil", "targetAll", "educationLevel", "durationMonths", "placeDept", "cityKey", "paid", "kind", "country", "postalCode");

-- The same for the matching of an offer: the CV-book requests of its domain scored without their
-- keywords from the index alone.
CREATE INDEX "InternshipRequest_match_idx" ON "InternshipRequest"("domainKey", "status", "id", "studentId", "level", "durationMonths", "placeTokens");
