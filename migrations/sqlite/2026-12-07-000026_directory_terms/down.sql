DROP TABLE directory_terms;
