-- The public lists sort by "has a deadline, latest deadline first, newest first" (the pages) and by
-- publication (the feeds); these indexes give that order directly, with the status to filter on,
-- so a page reads its rows in order and stops (docs/PERFORMANCE.md, query plans). The search text
-- is in the list's index too: a search reads the index alone instead of every row it rejects.
CREATE INDEX objectives_list_deadline ON objectives (practice, deadline_at IS NULL, deadline_at DESC, id DESC, status, search_text);
CREATE INDEX objectives_list_published ON objectives (practice, published_at IS NULL, published_at DESC, id DESC, status);
