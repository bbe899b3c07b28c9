-- Search columns and indexes for the offer search, the CV book and the matching.
-- The columns are STORED generated columns (declared @ignore / Unsupported in schema.prisma): PostgreSQL
-- keeps them in step with the fields they derive from, the app never writes them. Their expressions are
-- the ones the queries used to compute on every row (src/modules/requests/sql.ts, offers.service.ts).

-- The place tokens of a request (a 5-digit postal code gives its département, 3 digits overseas; a
-- 2-3 digit entry is a département; anything else a lower-case city): same rule as placeToken() in sql.ts.
CREATE FUNCTION "stages_place_tokens"(place text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
AS $$
  SELECT coalesce(array_agg(DISTINCT t.token ORDER BY t.token), '{}')
  FROM (
    SELECT (CASE WHEN e ~ '^[0-9]{5}$' THEN (CASE WHEN left(e, 2) IN ('97', '98') THEN left(e, 3) ELSE left(e, 2) END)
                 WHEN e ~ '^[0-9]{2,3}$' THEN e ELSE lower(e) END) AS token
    FROM regexp_split_to_table(btrim(place), '\s*[;,]\s*') e
    WHERE e <> ''
  ) t
$$;

-- AlterTable
ALTER TABLE "Offer" ADD COLUMN     "cityKey" TEXT GENERATED ALWAYS AS (lower("city")) STORED,
ADD COLUMN     "domainKey" TEXT GENERATED ALWAYS AS (lower("domain")) STORED,
ADD COLUMN     "keywordVector" tsvector GENERATED ALWAYS AS (to_tsvector('french'::regconfig, coalesce("title", '') || ' ' || coalesce("skills", ''))) STORED,
ADD COLUMN     "placeDept" TEXT GENERATED ALWAYS AS (CASE WHEN "postalCode" ~ '^[0-9]{5}$' THEN (CASE WHEN left("postalCode", 2) IN ('97', '98') THEN left("postalCode", 3) ELSE left("postalCode", 2) END) END) STORED,
ADD COLUMN     "searchText" TEXT GENERATED ALWAYS AS (translate(lower(coalesce("title", '') || ' ' || coalesce("reference", '') || ' ' || coalesce("domain", '') || ' ' || coalesce("missions", '') || ' ' || coalesce("skills", '') || ' ' || coalesce("city", '') || ' ' || coalesce("comments", '')), 'àáâãäåāçćčèéêëēėęìíîïīñòóôõöøōùúûüūýÿžšß', 'aaaaaaaccceeeeeeeiiiiinooooooouuuuuyyzss')) STORED;

-- AlterTable
ALTER TABLE "InternshipRequest" ADD COLUMN     "domainKey" TEXT GENERATED ALWAYS AS (lower("domain")) STORED,
ADD COLUMN     "placeTokens" TEXT[] GENERATED ALWAYS AS ("stages_place_tokens"(coalesce("place", ''))) STORED,
ADD COLUMN     "textVector" tsvector GENERATED ALWAYS AS (to_tsvector('french'::regconfig, coalesce("title", '') || ' ' || coalesce("positionType", '') || ' ' || coalesce("description", ''))) STORED;

-- CreateIndex
CREATE INDEX "Offer_status_publishFrom_id_idx" ON "Offer"("status", "publishFrom" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Offer_keywordVector_idx" ON "Offer" USING GIN ("keywordVector");

-- CreateIndex
CREATE INDEX "Offer_domainKey_idx" ON "Offer"("domainKey");

-- CreateIndex
CREATE INDEX "Offer_cityKey_idx" ON "Offer"("cityKey");

-- CreateIndex
CREATE INDEX "Offer_placeDept_idx" ON "Offer"("placeDept");

-- CreateIndex
CREATE INDEX "InternshipRequest_textVector_idx" ON "InternshipRequest" USING GIN ("textVector");

-- CreateIndex
CREATE INDEX "InternshipRequest_domainKey_idx" ON "InternshipRequest"("domainKey");

-- CreateIndex
CREATE INDEX "InternshipRequest_placeTokens_idx" ON "InternshipRequest" USING GIN ("placeTokens");
