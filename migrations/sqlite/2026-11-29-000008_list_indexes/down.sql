DROP INDEX objectives_list_published;
DROP INDEX objectives_list_deadline;
