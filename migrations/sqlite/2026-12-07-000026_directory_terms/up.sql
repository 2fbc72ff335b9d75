-- The directory's word index: one row per word of a profile's search text, so a search probes
-- an index by word prefix instead of scanning every profile's text (docs/NETWORK.md, issue 19).
-- Text compares byte by byte (SQLite's BINARY collation), as the prefix ranges need.
CREATE TABLE directory_terms (
    term TEXT NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (term, organisation_id)
);
CREATE INDEX directory_terms_organisation ON directory_terms (organisation_id);

-- The profiles written before: their search text split at spaces.
WITH RECURSIVE split (organisation_id, word, rest) AS (
    SELECT organisation_id, '', ltrim(search_text) || ' ' FROM organisation_profiles
    UNION ALL
    SELECT organisation_id, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
    FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO directory_terms (term, organisation_id)
SELECT word, organisation_id FROM split WHERE word <> '';
