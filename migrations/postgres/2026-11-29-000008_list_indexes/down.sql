DROP INDEX IF EXISTS objectives_search;
DROP INDEX objectives_list_published;
DROP INDEX objectives_list_deadline;
