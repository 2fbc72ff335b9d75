DROP TABLE retention_purges;
DROP TABLE indicator_reminders;
DROP TABLE job_leases;
