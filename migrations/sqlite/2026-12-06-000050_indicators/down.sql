DROP TABLE indicator_reports;
DROP TABLE indicators;
