-- The directory's word index: one row per word of a profile's search text, so a search probes
-- an index by word prefix instead of scanning every profile's text (docs/NETWORK.md, issue 19).
-- The "C" collation compares byte by byte, as the prefix ranges need, whatever the database's.
CREATE TABLE directory_terms (
    term TEXT COLLATE "C" NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (term, organisation_id)
);
CREATE INDEX directory_terms_organisation ON directory_terms (organisation_id);

-- The profiles written before: their search text split at spaces.
INSERT INTO directory_terms (term, organisation_id)
SELECT DISTINCT word, organisation_id
FROM organisation_profiles, regexp_split_to_table(btrim(search_text), ' +') AS word
WHERE word <> '';
