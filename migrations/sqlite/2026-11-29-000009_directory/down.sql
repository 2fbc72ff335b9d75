DROP TABLE organisation_credentials;
DROP TABLE organisation_profiles;
DROP TABLE credentials;
