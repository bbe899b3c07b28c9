-- French full-text search of offers, accents ignored and ranked: the "searchText" column (a folded
-- copy searched with LIKE, a scan, no ranking) gives way to a weighted tsvector with a GIN index.
-- Both sides fold accents with stages_fold() (the `unaccent` extension is not available): the
-- french stemmer keeps accents, so "developpeur" and "développeur" would otherwise differ.

-- Accents removed, then lower case: what normalizeName() does in JavaScript (NFD, marks dropped),
-- for the letters of the languages the platform meets. Accents go first so that lower() only ever
-- sees ASCII letters and gives the same answer whatever the database's locale.
CREATE FUNCTION "stages_fold"(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
AS $$
  SELECT lower(translate(t,
    'àáâãäåāăąçćčďđèéêëēĕėęěìíîïīĭįłñńňòóôõöøōŏőřśšşťţùúûüūŭůűýÿžźżÀÁÂÃÄÅĀĂĄÇĆČĎĐÈÉÊËĒĔĖĘĚÌÍÎÏĪĬĮŁÑŃŇÒÓÔÕÖØŌŎŐŘŚŠŞŤŢÙÚÛÜŪŬŮŰÝŸŽŹŻ',
    'aaaaaaaaacccddeeeeeeeeeiiiiiiilnnnooooooooorsssttuuuuuuuuyyzzzAAAAAAAAACCCDDEEEEEEEEEIIIIIIILNNNOOOOOOOOORSSSTTUUUUUUUUYYZZZ'))
$$;

-- AlterTable
ALTER TABLE "Offer" DROP COLUMN "searchText",
ADD COLUMN     "searchVector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('french'::regconfig, "stages_fold"(coalesce("title", ''))), 'A') ||
  setweight(to_tsvector('french'::regconfig, "stages_fold"(coalesce("domain", '') || ' ' || coalesce("skills", '') || ' ' || coalesce("reference", ''))), 'B') ||
  setweight(to_tsvector('french'::regconfig, "stages_fold"(coalesce("missions", '') || ' ' || coalesce("city", '') || ' ' || coalesce("comments", ''))), 'C')
) STORED;

-- CreateIndex
CREATE INDEX "Offer_searchVector_idx" ON "Offer" USING GIN ("searchVector");
