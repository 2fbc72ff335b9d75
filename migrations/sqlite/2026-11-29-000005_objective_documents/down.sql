DROP TABLE objective_documents;
