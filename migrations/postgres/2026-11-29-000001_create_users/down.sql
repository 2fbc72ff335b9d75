ALTER TABLE organisations DROP CONSTRAINT organisations_owner_fk;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE organisations;
