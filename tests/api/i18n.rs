//! Every interface string exists in both languages, and every key the code uses exists.

use std::collections::BTreeSet;
use std::path::Path;

fn keys(lang: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(lang).join("main.ftl");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Literal keys passed to `t("…")` / `t_args("…"` in the sources.
fn used_keys() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut found = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for marker in [".t(\"", ".t_args(\"", "t(lang, \""] {
            for piece in text.split(marker).skip(1) {
                if let Some(key) = piece.split('"').next() {
                    found.insert(key.to_owned());
                }
            }
        }
    }
    found
}

#[test]
fn both_catalogues_have_the_same_keys() {
    let fr = keys("fr");
    let en = keys("en");
    assert!(fr.len() > 40, "the French catalogue looks empty");
    let missing_en: Vec<_> = fr.difference(&en).collect();
    let missing_fr: Vec<_> = en.difference(&fr).collect();
    assert!(missing_en.is_empty(), "missing in English: {missing_en:?}");
    assert!(missing_fr.is_empty(), "missing in French: {missing_fr:?}");
}

#[test]
fn every_key_used_in_the_code_exists() {
    let fr = keys("fr");
    let used = used_keys();
    assert!(used.len() > 10, "the scan found too few keys: {used:?}");
    let missing: Vec<_> = used.iter().filter(|k| !fr.contains(*k)).collect();
    assert!(missing.is_empty(), "keys used in src/ but missing from the catalogues: {missing:?}");
}

#[test]
fn every_error_status_has_a_title_and_a_text() {
    let fr = keys("fr");
    for status in ["400", "403", "404", "405", "409", "413", "422", "429", "500", "503"] {
        for part in ["title", "text"] {
            assert!(fr.contains(&format!("error-{status}-{part}")), "error-{status}-{part}");
        }
    }
}

#[test]
fn every_audit_action_reads_as_words_in_both_languages() {
    let (fr, en) = (keys("fr"), keys("en"));
    for event in achat_ouvert::domain::audit::Event::ALL {
        let key = achat_ouvert::views::admin::action_key(event.as_str());
        assert!(fr.contains(&key) && en.contains(&key), "{key} (the audit page's label of `{}`)", event.as_str());
    }
}
