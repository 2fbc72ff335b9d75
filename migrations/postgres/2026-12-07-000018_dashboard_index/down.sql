DROP INDEX deposits_dashboard;
