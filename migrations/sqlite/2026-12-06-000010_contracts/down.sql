DROP TABLE contract_modifications;
DROP TABLE contracts;
