DROP TABLE deposit_organisations;
