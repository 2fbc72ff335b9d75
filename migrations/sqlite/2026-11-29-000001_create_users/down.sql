UPDATE organisations SET owner_user_id = NULL;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE organisations;
