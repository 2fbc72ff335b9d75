//! Both migration sets apply, revert completely, and produce exactly the schema in `schema.rs`.

use std::collections::BTreeMap;

use achat_ouvert::db::{DbConnection, migrations};
use diesel::RunQueryDsl;
use diesel::sql_types::{Integer, Text};

use crate::both_backends;
use crate::helpers::TestDatabase;

#[derive(diesel::QueryableByName, Debug)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    nullable: i32,
}

/// (table, column) → (type, nullable), as the database reports it, in schema.rs terms.
type Columns = BTreeMap<(String, String), (String, bool)>;

fn introspect(conn: &mut DbConnection) -> Columns {
    let is_sqlite = matches!(conn, DbConnection::Sqlite(_));
    let rows: Vec<ColumnRow> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
             CASE WHEN p.\"notnull\" = 1 THEN 0 ELSE 1 END AS nullable \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
        )
        .load(c)
        .unwrap(),
        DbConnection::Pg(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type, \
             CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS nullable \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
        )
        .load(c)
        .unwrap(),
    };
    rows.into_iter()
        .map(|r| {
            let kind = match r.data_type.to_ascii_lowercase().as_str() {
                "integer" | "bigint" if is_sqlite => "BigInt|Integer",
                "bigint" => "BigInt",
                "integer" => "Integer",
                "text" => "Text",
                "timestamp" | "timestamp without time zone" => "Timestamp",
                "date" => "Date",
                "boolean" | "bool" => "Bool",
                "blob" | "bytea" => "Binary",
                "double precision" | "double" | "real" => "Double",
                other => panic!("unexpected column type {other} in {}.{}", r.table_name, r.column_name),
            };
            ((r.table_name, r.column_name), (kind.to_owned(), r.nullable == 1))
        })
        .collect()
}

/// Reads `src/db/schema.rs`: `table (pk) {` then `column -> Type,` lines.
fn declared() -> Columns {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/db/schema.rs")).unwrap();
    let mut columns = Columns::new();
    let mut table: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if line.ends_with('{') && line.contains('(') && !line.starts_with("diesel::") {
            table = Some(line.split_whitespace().next().unwrap().to_owned());
        } else if line == "}" {
            table = None;
        } else if let (Some(t), Some((name, ty))) = (&table, line.split_once("->")) {
            let ty = ty.trim().trim_end_matches(',');
            let (ty, nullable) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>'), true),
                None => (ty, false),
            };
            columns.insert((t.clone(), name.trim().to_owned()), (ty.to_owned(), nullable));
        }
    }
    assert!(!columns.is_empty(), "schema.rs could not be read");
    columns
}

fn matches(actual: &Columns, expected: &Columns) -> Result<(), String> {
    let actual_keys: Vec<_> = actual.keys().collect();
    let expected_keys: Vec<_> = expected.keys().collect();
    if actual_keys != expected_keys {
        return Err(format!("columns differ:\n database: {actual_keys:?}\n schema.rs: {expected_keys:?}"));
    }
    for (key, (kind, nullable)) in actual {
        let (want_kind, want_nullable) = &expected[key];
        if !kind.split('|').any(|k| k == want_kind) || nullable != want_nullable {
            return Err(format!(
                "{key:?}: database has {kind} nullable={nullable}, schema.rs says {want_kind} nullable={want_nullable}"
            ));
        }
    }
    Ok(())
}

both_backends! {
    async fn migrations_apply_revert_and_match_schema_rs(backend) {
        let database = TestDatabase::new(backend);
        let mut conn = database.connect();
        let applied = migrations::run_pending(&mut conn).unwrap();
        assert!(!applied.is_empty());
        matches(&introspect(&mut conn), &declared()).unwrap();
        assert!(!migrations::has_pending(&mut conn).unwrap());

        let reverted = migrations::revert_all(&mut conn).unwrap();
        assert_eq!(reverted.len(), applied.len());
        assert!(introspect(&mut conn).is_empty(), "tables left after reverting every migration");

        migrations::run_pending(&mut conn).unwrap();
        matches(&introspect(&mut conn), &declared()).unwrap();
    }
}

#[test]
fn both_migration_sets_have_the_same_names() {
    let list = |backend: &str| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    };
    let sqlite = list("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, list("postgres"));
    for name in &sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("migrations")
                    .join(backend)
                    .join(name)
                    .join(file);
                assert!(path.is_file(), "{} is missing", path.display());
            }
        }
    }
}
