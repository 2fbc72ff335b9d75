//! PDF documents (issue 20 item 5, issue 17 item 2): the deposit receipt and the award letters as
//! PDF, for the people who may read their page and nobody else, in the reader's language, with the
//! font embedded and the text extractable. The text is read back with poppler's `pdftotext` (CI
//! installs poppler-utils and sets REQUIRE_PDFTOTEXT=1; elsewhere the extraction is skipped
//! when the tool is missing, the structural checks still run).

use achat_ouvert::domain::users::Role;
use serde_json::Value;

use crate::award::{letter_of, results_published};
use crate::both_backends;
use crate::helpers::{Browser, published, spawn_app};
use crate::proposals::{COMPLETE, PDF, attach, deposited, start};

/// Downloads a PDF and checks what holds for any reader: its type, an attachment, no cache, a
/// real PDF with an embedded TrueType font and a ToUnicode map.
async fn download(who: &Browser, path: &str) -> Vec<u8> {
    let r = who.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment") && disposition.contains(".pdf"), "{disposition}");
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("no-store"));
    let bytes = r.bytes().await.unwrap().to_vec();
    // To look at them: PDF_DUMP_DIR=/tmp/pdfs, then pdftoppm -png.
    if let Ok(dir) = std::env::var("PDF_DUMP_DIR") {
        let name = path.trim_start_matches('/').replace('/', "-");
        std::fs::write(format!("{dir}/{name}-{}.pdf", bytes.len()), &bytes).unwrap();
    }
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    assert!(bytes.ends_with(b"%%EOF") || bytes.ends_with(b"%%EOF\n"));
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/FontFile2") && raw.contains("DejaVuSans"), "the TrueType font is embedded");
    assert!(raw.contains("/ToUnicode"), "the text maps back to Unicode");
    bytes
}

/// The PDF's text as poppler reads it, or `None` when pdftotext is not installed (and not required).
fn text_of(bytes: &[u8]) -> Option<String> {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    let out = match std::process::Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(file.path()).arg("-").output() {
        Ok(out) => out,
        Err(e) => {
            assert!(
                !std::env::var("REQUIRE_PDFTOTEXT").is_ok_and(|v| v == "1"),
                "REQUIRE_PDFTOTEXT=1 but pdftotext cannot run ({e}): apt-get install poppler-utils"
            );
            eprintln!("pdftotext missing: the PDFs' text is not checked");
            return None;
        }
    };
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    // Embedded fonts: pdffonts says `yes` in its "emb" column for each.
    if let Ok(fonts) = std::process::Command::new("pdffonts").arg(file.path()).output() {
        let listing = String::from_utf8_lossy(&fonts.stdout).to_string();
        let rows: Vec<&str> = listing.lines().filter(|l| l.contains("DejaVuSans")).collect();
        assert!(
            !rows.is_empty() && rows.iter().all(|r| r.contains("CID TrueType") && r.contains(" yes ")),
            "{listing}"
        );
    }
    Some(String::from_utf8(out.stdout).unwrap())
}

/// The text without any white space: wrapped hashes and addresses read as one word.
fn compact(text: &str) -> String {
    text.split_whitespace().collect()
}

/// A time of the JSON receipt (UTC) as the PDF writes it in Paris, to the second.
fn paris(utc: &str, format: &str) -> String {
    let at = chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M:%S%.fZ").unwrap();
    chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &at).format(format).to_string()
}

both_backends! {
    async fn a_receipt_downloads_as_a_pdf_in_paris_time_with_its_hashes_and_verification_address(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Chaleur renouvelable des lycées").await;
        let supplier = app.supplier_owner("owner@alpha.example", 511).await;
        let proposal = start(&supplier, objective, &COMPLETE).await;
        assert_eq!(attach(&supplier, proposal, &[("Mémoire technique.pdf", PDF.to_vec())]).await.status(), 303);
        let receipt = deposited(&supplier, proposal).await;
        let json: Value = supplier.get(&format!("/receipts/{receipt}/json")).await.json().await.unwrap();
        let (number, hash) = (json["receipt_number"].as_str().unwrap(), json["deposit_hash"].as_str().unwrap());
        let (content, document) = (json["content_sha256"].as_str().unwrap(), json["documents"][0]["sha256"].as_str().unwrap());
        let deposited_at = json["deposited_at"].as_str().unwrap();

        // The receipt page links its PDF.
        let path = format!("/receipts/{receipt}/pdf");
        assert!(supplier.text(&format!("/receipts/{receipt}")).await.contains(&format!("href=\"{path}\"")));

        // In French by default.
        let bytes = download(&supplier, &path).await;
        if let Some(text) = text_of(&bytes) {
            let flat = compact(&text);
            let paris_time = paris(deposited_at, "%d/%m/%Y %H:%M:%S, heure de Paris (UTC%:z)");
            for expected in [
                "Accusé de réception",
                "La Région accuse réception du dépôt de votre proposition.",
                "Chaleur renouvelable des lycées",
                "Entreprise 511",
                "Mémoire technique.pdf",
                &paris_time,
                "Page 1 sur 1",
                "Adresse publique de vérification",
            ] {
                assert!(flat.contains(&compact(expected)), "{expected}: {text}");
            }
            for expected in [number, hash, content, document, deposited_at] {
                assert!(flat.contains(expected), "{expected}: {text}");
            }
            let verify = format!("/receipts/verify?number={number}&hash={hash}");
            assert!(flat.contains(&verify), "{verify}: {text}");
        }

        // In English for an English reader.
        supplier.get("/lang/en").await;
        let bytes = download(&supplier, &path).await;
        if let Some(text) = text_of(&bytes) {
            let paris_time = paris(deposited_at, "%Y-%m-%d %H:%M:%S, Paris time (UTC%:z)");
            for expected in ["Receipt", &paris_time, "Page 1 of 1", "Public verification address"] {
                assert!(compact(&text).contains(&compact(expected)), "{expected}: {text}");
            }
            assert!(compact(&text).contains(hash));
            assert!(!text.contains("heure de Paris"), "no French on the English document");
        }

        // Nobody else: other suppliers, agents, the committee and administrators get a 404, a
        // visitor is sent to sign in.
        let other = app.supplier_owner("owner@beta.example", 512).await;
        let committee = app.staff("jury@region.example", &[Role::Committee]).await;
        let admin = app.staff("admin@region.example", &[Role::Admin]).await;
        for who in [&other, &agent, &committee, &admin] {
            let r = who.get(&path).await;
            assert_eq!(r.status(), 404, "{path}");
            assert!(!r.bytes().await.unwrap().starts_with(b"%PDF"));
        }
        let r = app.browser().get(&path).await;
        assert_eq!(r.status(), 303);
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
        assert_eq!(supplier.get("/receipts/999999/pdf").await.status(), 404);
        assert_eq!(supplier.get("/receipts/abc/pdf").await.status(), 404);
        app.stop().await;
    }
}

/// Whether nobody has opened the letter yet.
async fn never_opened(app: &crate::helpers::TestApp, letter: i64) -> bool {
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::letters;
        use diesel::prelude::*;
        letters::table
            .find(letter)
            .select(letters::first_opened_at)
            .first::<Option<chrono::NaiveDateTime>>(conn)
            .unwrap()
    })
    .await
    .is_none()
}

both_backends! {
    async fn a_letter_downloads_as_a_pdf_and_the_download_is_its_first_opening(backend) {
        let app = spawn_app(backend).await;
        let s = results_published(&app, "Chaleur des lycées").await;
        let (o, p1) = (s.objective, s.proposals[0]);
        let award = format!("/objectives/{o}/award");
        let fields = [("winner", p1.to_string()), ("reasons", crate::award::REASONS.to_owned()), ("standstill_days", "11".to_owned())];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(s.agent.submit(&award, &award, &fields).await.status(), 303);

        // The rejected supplier downloads its letter without opening the page: that is its first
        // opening, recorded once, by id, as on the page.
        let letter = letter_of(&app, "owner@beta.example").await;
        let path = format!("/organisation/letters/{letter}/pdf");
        // Refused roles first, so that nothing but the addressee marks it: another supplier, the
        // committee, administrators and visitors get a 404, as on the letter's page.
        for who in [&s.suppliers[0], &s.chair, &s.admin, &app.browser()] {
            let r = who.get(&path).await;
            assert_eq!(r.status(), 404, "{path}");
            assert!(!r.bytes().await.unwrap().starts_with(b"%PDF"));
        }
        // The agent reads every letter and marks none.
        download(&s.agent, &path).await;
        assert!(never_opened(&app, letter).await, "an agent's download is no acknowledgement");

        let bytes = download(&s.suppliers[1], &path).await;
        assert!(!never_opened(&app, letter).await, "the addressee's download is the first opening");
        if let Some(text) = text_of(&bytes) {
            for expected in [
                "Lettre de rejet",
                "n’est pas retenue",
                "Classement : 2 sur 2",
                "Entreprise 701",
                crate::award::REASONS,
                "Tribunal administratif de Lyon",
                "L551-1",
                "4,00 / 5",
                "heure de Paris (UTC",
                "Page 1 sur",
            ] {
                assert!(compact(&text).contains(&compact(expected)), "{expected}: {text}");
            }
        }
        // The letter page links its PDF.
        assert!(s.suppliers[1].text(&format!("/organisation/letters/{letter}")).await.contains(&format!("href=\"{path}\"")));

        // In English.
        s.suppliers[1].get("/lang/en").await;
        let bytes = download(&s.suppliers[1], &path).await;
        if let Some(text) = text_of(&bytes) {
            for expected in ["Rejection letter", "is not retained", "Ranking: 2 of 2", "Paris time", "Page 1 of"] {
                assert!(compact(&text).contains(&compact(expected)), "{expected}: {text}");
            }
        }
        app.stop().await;
    }
}
