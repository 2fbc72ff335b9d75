-- Issue 19: the home page's featured practices and the directory's sector filter read only what
-- they show.
--
-- The featured practices: `featured = ? AND status = ?` in publication order, from the index
-- alone, instead of walking every published practice by `(status, published_at)` to test each
-- row's `featured`.
CREATE INDEX practices_featured ON practices (featured, status, published_at, id);

-- The directory's sector filter lists the distinct sectors of listed organisations, sorted by
-- their folded form (domain::search::phrase_key). Folding every listed organisation's sectors on
-- every request cost ~200 ms at 50,000 organisations; these rows are written when a profile, its
-- organisation or its listing changes (domain::network::profiles::sync_sectors), and filled for
-- existing profiles at start-up after this migration (profiles::backfill_sectors).
--
-- Every sector a listed profile has shown, with its sort key; never deleted (a few rows), the
-- filter shows those some listed organisation still holds.
CREATE TABLE directory_sector_names (
    sector TEXT PRIMARY KEY NOT NULL,
    sort_key TEXT NOT NULL
);
-- One row per (listed organisation, sector it holds); none for an unlisted profile.
CREATE TABLE directory_sectors (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    sector TEXT NOT NULL REFERENCES directory_sector_names (sector),
    PRIMARY KEY (organisation_id, sector)
);
CREATE INDEX directory_sectors_sector ON directory_sectors (sector);
