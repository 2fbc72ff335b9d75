-- The network of suppliers (issue 8), step 1: the credentials catalogue kept by administrators,
-- organisations' public profiles (opt-in) and the credentials they hold.
CREATE TABLE credentials (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description_fr TEXT NOT NULL,
    description_en TEXT NOT NULL,
    retired_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE organisation_profiles (
    organisation_id BIGINT PRIMARY KEY NOT NULL REFERENCES organisations (id),
    listed BOOLEAN NOT NULL DEFAULT FALSE,
    presentation TEXT NOT NULL,
    -- JSON array of the region's department codes served.
    departments TEXT NOT NULL,
    -- JSON object: commitment theme code → the organisation's text.
    commitments TEXT NOT NULL,
    -- Tokens of the name, sectors, presentation, commitments and credentials (domain::search).
    search_text TEXT NOT NULL,
    -- The sectors as `|key|key|` (domain::search::phrase_key), for the exact sector filter.
    sectors_key TEXT NOT NULL,
    -- The legal name folded (domain::search::sort_key): the directory's order on both backends.
    sort_name TEXT NOT NULL,
    listed_at TIMESTAMP,
    updated_by BIGINT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organisation_profiles_listed ON organisation_profiles (listed, sort_name, organisation_id);

CREATE TABLE organisation_credentials (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    credential_id BIGINT NOT NULL REFERENCES credentials (id),
    expires_on DATE,
    evidence_key TEXT UNIQUE,
    evidence_name TEXT,
    evidence_type TEXT,
    evidence_size BIGINT,
    added_by BIGINT NOT NULL REFERENCES users (id),
    added_at TIMESTAMP NOT NULL,
    UNIQUE (organisation_id, credential_id)
);
CREATE INDEX organisation_credentials_credential ON organisation_credentials (credential_id, expires_on);

-- The catalogue's first entries; administrators add and retire more.
INSERT INTO credentials (code, name_fr, name_en, description_fr, description_en, created_at) VALUES
('iso-14001', 'ISO 14001', 'ISO 14001', 'Système de management environnemental certifié.', 'Certified environmental management system.', CURRENT_TIMESTAMP),
('emas', 'EMAS', 'EMAS', 'Système européen de management environnemental et d’audit.', 'EU Eco-Management and Audit Scheme.', CURRENT_TIMESTAMP),
('eu-ecolabel', 'Écolabel européen', 'EU Ecolabel', 'Label écologique officiel de l’Union européenne, pour des produits ou services.', 'The European Union''s official ecolabel, for products or services.', CURRENT_TIMESTAMP),
('nf-environnement', 'NF Environnement', 'NF Environnement', 'Écolabel officiel français.', 'The official French ecolabel.', CURRENT_TIMESTAMP),
('b-corp', 'B Corp', 'B Corp', 'Certification de performance sociale et environnementale.', 'Certification of social and environmental performance.', CURRENT_TIMESTAMP),
('siae', 'Structure d’insertion par l’activité économique (SIAE)', 'Work integration social enterprise (SIAE)', 'Structure conventionnée pour l’insertion par l’activité économique.', 'A structure approved for integration through economic activity.', CURRENT_TIMESTAMP),
('entreprise-adaptee', 'Entreprise adaptée ou ESAT', 'Adapted company or ESAT', 'Entreprise employant majoritairement des travailleurs handicapés.', 'A company employing mostly workers with disabilities.', CURRENT_TIMESTAMP),
('esus', 'Agrément ESUS', 'ESUS approval', 'Entreprise solidaire d’utilité sociale agréée.', 'Approved solidarity enterprise of social utility.', CURRENT_TIMESTAMP),
('label-lucie', 'Label Lucie', 'Label Lucie', 'Label de responsabilité sociétale (RSE) aligné sur l’ISO 26000.', 'A corporate social responsibility label aligned with ISO 26000.', CURRENT_TIMESTAMP);
