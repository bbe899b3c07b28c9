-- French full-text search of offers, accents ignored and ranked: the "searchText" column (a folded
-- copy searched with LIKE, a scan, no ranking) gives way to a weighted tsvector with a GIN index.
-- Both sides fold accents with stages_fold() (the `unaccent` extension is not available): the
-- french stemmer keeps accents, so "developpeur" and "développeur" would otherwise differ.

-- Accents removed, then lower case: what foldText() does in JavaScript (NFD, marks dropped, and
-- the few letters Unicode does not decompose), for every accented letter of Latin-1 and Latin
-- Extended-A (the languages of France, Belgium, the Maghreb's Latin spellings and their neighbours).
-- A test compares both on every letter of the table.
CREATE FUNCTION "stages_fold"(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
AS $$
  SELECT lower(translate(t,
    'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž',
    'AAAAAACEEEEIIIINOOOOOOUUUUYaaaaaaceeeeiiiinoooooouuuuyyAaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjKkLlLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZz'))
$$;

-- One weighted piece of an offer's search vector: the French stems (for whole words in any form:
-- "développeurs" finds "développeur") and the words as they are (for word starts longer than their
-- stem: the stem of "informatique" is "informat", so "informatiq" can only find the word itself).
CREATE FUNCTION "stages_search_doc"(t text, w "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
AS $$
  SELECT setweight(to_tsvector('french'::regconfig, "stages_fold"(t)) || to_tsvector('simple'::regconfig, "stages_fold"(t)), w)
$$;

-- AlterTable
ALTER TABLE "Offer" DROP COLUMN "searchText",
ADD COLUMN     "searchVector" tsvector GENERATED ALWAYS AS (
  "stages_search_doc"(coalesce("title", ''), 'A') ||
  "stages_search_doc"(coalesce("domain", '') || ' ' || coalesce("skills", '') || ' ' || coalesce("reference", ''), 'B') ||
  "stages_search_doc"(coalesce("missions", '') || ' ' || coalesce("city", '') || ' ' || coalesce("comments", ''), 'C')
) STORED;

-- CreateIndex
CREATE INDEX "Offer_searchVector_idx" ON "Offer" USING GIN ("searchVector");

-- The lower-case keys become folded keys (accents too), so that the offer filters compare them with
-- LIKE instead of folding every row at query time, and the matching compares domains and cities
-- whatever their accents ("Santé" = "sante"). A generated column cannot change its expression:
-- drop and add again (their indexes go and come with them).
ALTER TABLE "Offer" DROP COLUMN "domainKey",
DROP COLUMN "cityKey";
ALTER TABLE "Offer" ADD COLUMN     "domainKey" TEXT GENERATED ALWAYS AS ("stages_fold"("domain")) STORED,
ADD COLUMN     "cityKey" TEXT GENERATED ALWAYS AS ("stages_fold"("city")) STORED;
CREATE INDEX "Offer_domainKey_idx" ON "Offer"("domainKey");
CREATE INDEX "Offer_cityKey_idx" ON "Offer"("cityKey");

ALTER TABLE "InternshipRequest" DROP COLUMN "domainKey",
DROP COLUMN "placeTokens";

-- Same rule as before (see search_indexes), cities folded instead of lower-cased: placeTokenOf() in sql.ts.
CREATE OR REPLACE FUNCTION "stages_place_tokens"(place text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
AS $$
  SELECT coalesce(array_agg(DISTINCT t.token ORDER BY t.token), '{}')
  FROM (
    SELECT (CASE WHEN e ~ '^[0-9]{5}$' THEN (CASE WHEN left(e, 2) IN ('97', '98') THEN left(e, 3) ELSE left(e, 2) END)
                 WHEN e ~ '^[0-9]{2,3}$' THEN e ELSE "stages_fold"(e) END) AS token
    FROM regexp_split_to_table(btrim(place), '\s*[;,]\s*') e
    WHERE e <> ''
  ) t
$$;

ALTER TABLE "InternshipRequest" ADD COLUMN     "domainKey" TEXT GENERATED ALWAYS AS ("stages_fold"("domain")) STORED,
ADD COLUMN     "placeTokens" TEXT[] GENERATED ALWAYS AS ("stages_place_tokens"(coalesce("place", ''))) STORED;
CREATE INDEX "InternshipRequest_domainKey_idx" ON "InternshipRequest"("domainKey");
CREATE INDEX "InternshipRequest_placeTokens_idx" ON "InternshipRequest" USING GIN ("placeTokens");
