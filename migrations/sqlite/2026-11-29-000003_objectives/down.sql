DROP TABLE amendments;
DROP TABLE milestones;
DROP TABLE objective_criteria;
DROP TABLE objectives;
DROP TABLE criteria;
