-- The public lists sort by "has a deadline, latest deadline first, newest first" (the pages) and by
-- publication (the feeds); these indexes give that order directly, with the status to filter on,
-- so a page reads its rows in order and stops (docs/PERFORMANCE.md, query plans).
CREATE INDEX objectives_list_deadline ON objectives (practice, (deadline_at IS NULL), deadline_at DESC, id DESC) INCLUDE (status);
CREATE INDEX objectives_list_published ON objectives (practice, (published_at IS NULL), published_at DESC, id DESC) INCLUDE (status);

-- Search: every word of a query is a `LIKE '%word%'` on the search text; a trigram index answers
-- those without reading every objective. pg_trgm ships with PostgreSQL and is a trusted extension
-- (PostgreSQL 13 and later: a role with CREATE on the database may create it). Where it cannot be
-- created, searches still work, by reading the objectives; the extension is left in place by the
-- down migration (other schemas may use it).
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX objectives_search ON objectives USING gin (search_text gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): searches read every objective', SQLERRM;
END
$$;
