//! Uploaded files, shared by objectives' documents and (later) proposals' attachments.
//!
//! A file is streamed to a temporary file while its SHA-256 is computed and its size checked
//! against the limits; its type is recognised from its content, never from its name; then it is
//! fsynced and moved under a server-generated name, and the directory is fsynced. Any refusal or
//! failure removes what was written: no orphan files. A server killed in the middle of an upload
//! cannot clean up: [`sweep`] removes such leftovers later. Files are only ever served as downloads.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::domain::error::{Kind, Message, Refusal};

/// The types accepted, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Odt,
    Ods,
    Docx,
    Xlsx,
    Png,
    Jpeg,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Odt => "application/vnd.oasis.opendocument.text",
            FileKind::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            FileKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
        }
    }

    /// The kind a stored content type names.
    pub fn from_content_type(content_type: &str) -> Option<FileKind> {
        [FileKind::Pdf, FileKind::Odt, FileKind::Ods, FileKind::Docx, FileKind::Xlsx, FileKind::Png, FileKind::Jpeg]
            .into_iter()
            .find(|k| k.content_type() == content_type)
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Odt => "odt",
            FileKind::Ods => "ods",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
        }
    }

    /// Recognises a file from its first bytes and, for zip containers, the end of the file (the
    /// central directory lists the entries' names).
    pub fn detect(head: &[u8], tail: &[u8]) -> Option<FileKind> {
        if head.starts_with(b"%PDF-") {
            return Some(FileKind::Pdf);
        }
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(FileKind::Png);
        }
        if head.starts_with(b"\xFF\xD8\xFF") {
            return Some(FileKind::Jpeg);
        }
        if head.starts_with(b"PK\x03\x04") {
            // OpenDocument: the first entry is an uncompressed "mimetype" naming the type.
            if head.get(30..38) == Some(b"mimetype") {
                let rest = head.get(38..head.len().min(120)).unwrap_or_default();
                if contains(rest, b"application/vnd.oasis.opendocument.text") {
                    return Some(FileKind::Odt);
                }
                if contains(rest, b"application/vnd.oasis.opendocument.spreadsheet") {
                    return Some(FileKind::Ods);
                }
                return None;
            }
            if contains(tail, b"[Content_Types].xml") {
                if contains(tail, b"word/document.xml") {
                    return Some(FileKind::Docx);
                }
                if contains(tail, b"xl/workbook.xml") {
                    return Some(FileKind::Xlsx);
                }
            }
        }
        None
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Limits that apply to one upload.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_file: u64,
    /// What may still be added to the collection the file joins.
    pub remaining: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than {limit} bytes")]
    FileTooLarge { limit: u64 },
    #[error("the files together exceed the allowed total")]
    TotalTooLarge,
    #[error("this type of file is not accepted")]
    UnsupportedType,
    #[error("the file is empty")]
    Empty,
    #[error("too many files at once")]
    TooManyFiles,
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    #[error("storage error: {0}")]
    Io(#[from] std::io::Error),
}

/// A refused upload: 413 over a limit, 415 for a type not accepted, 422 for no file, 400 for an
/// upload cut short (a storage error is reported like one: nothing was kept, the user may retry).
impl Refusal for UploadError {
    fn kind(&self) -> Kind {
        match self {
            UploadError::FileTooLarge { .. } | UploadError::TotalTooLarge | UploadError::TooManyFiles => Kind::TooLarge,
            UploadError::UnsupportedType => Kind::Unsupported,
            UploadError::Empty => Kind::Invalid,
            UploadError::Interrupted(_) | UploadError::Io(_) => Kind::Malformed,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            UploadError::FileTooLarge { .. } => "file_too_large",
            UploadError::TotalTooLarge => "total_too_large",
            UploadError::TooManyFiles => "too_many_files",
            UploadError::UnsupportedType => "unsupported_type",
            UploadError::Empty => "empty_file",
            UploadError::Interrupted(_) | UploadError::Io(_) => "upload_interrupted",
        }
    }
    fn message(&self) -> Message {
        Message::new(match self {
            UploadError::FileTooLarge { .. } => "upload-error-file-too-large",
            UploadError::TotalTooLarge => "upload-error-total-too-large",
            UploadError::TooManyFiles => "upload-error-too-many",
            UploadError::UnsupportedType => "upload-error-type",
            UploadError::Empty => "upload-error-empty",
            UploadError::Interrupted(_) | UploadError::Io(_) => "upload-error-interrupted",
        })
    }
}

/// A file safely on disk.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// The path under the uploads directory, server-generated.
    pub storage_key: String,
    pub original_name: String,
    pub kind: FileKind,
    pub size: u64,
    pub sha256: String,
}

/// What a multipart form brought: stored files and text fields.
#[derive(Debug, Default)]
pub struct Received {
    pub files: Vec<StoredFile>,
    pub fields: Vec<(String, String)>,
}

impl Received {
    pub fn field(&self, name: &str) -> String {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
    }
}

const TEXT_FIELD_LIMIT: usize = 64 * 1024;
/// More parts than this in one form is not a person's upload.
const MAX_PARTS: usize = 64;

/// Reads a part to its end, up to `cap` bytes; past it, the upload is refused.
async fn skip(field: &mut actix_multipart::Field, cap: usize) -> Result<(), UploadError> {
    let mut seen = 0usize;
    while let Some(chunk) = field.next().await {
        seen += chunk.map_err(|e| UploadError::Interrupted(e.to_string()))?.len();
        if seen > cap {
            return Err(UploadError::Interrupted("an unexpected part is too large".into()));
        }
    }
    Ok(())
}

/// Reads and drops what is left of a multipart body, up to 200 MiB (beyond, the connection is
/// simply closed after the answer).
async fn drain(payload: &mut actix_multipart::Multipart) {
    let mut seen: usize = 0;
    while let Some(Ok(mut field)) = payload.next().await {
        while let Some(Ok(chunk)) = field.next().await {
            seen += chunk.len();
            if seen > 200 * 1024 * 1024 {
                return;
            }
        }
    }
}

/// Where uploaded files live: `DATA_DIR/uploads`.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// Characters that reorder or hide what a name shows: the bidirectional embeddings, overrides,
/// isolates and marks (`facture\u{202E}fdp.exe` reads "facture" + "exe.pdf" reversed), and the
/// zero-width ones.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{FEFF}')
}

/// A file name safe to show and to send back in `Content-Disposition`: no path, no control
/// characters, no bidirectional or zero-width formatting characters, at most 120 characters, and
/// the extension of the recognised type.
pub fn safe_name(original: &str, kind: FileKind) -> String {
    let original: String = original.chars().filter(|c| !is_invisible_format(*c)).collect();
    let base = original.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let cleaned: String = stem
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*' | ';') { '_' } else { c })
        .take(120)
        .collect();
    // No leading dot (a hidden file) nor space, whichever comes first: ` . x` is `x`.
    let cleaned = cleaned.trim_start_matches(|c: char| c == '.' || c.is_whitespace()).trim_end();
    let stem = if cleaned.is_empty() { "document" } else { cleaned };
    format!("{stem}.{}", kind.extension())
}

/// The SHA-256 (hex) and size of a file, read 64 KiB at a time (blocking: call it off the
/// server's threads).
pub fn sha256_of_file(path: &Path) -> std::io::Result<(String, u64)> {
    sha256_of_reader(&mut std::fs::File::open(path)?)
}

/// The SHA-256 (hex) and size of what a reader gives, 64 KiB at a time.
pub fn sha256_of_reader(input: &mut impl std::io::Read) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

impl Store {
    pub fn new(data_dir: &Path) -> Store {
        Store { root: data_dir.join("uploads") }
    }

    pub fn path_of(&self, key: &str) -> Option<PathBuf> {
        // Keys are generated here: two hex characters, a slash, 32 hex characters.
        // Exactly one slash, at its place: `/0/…` would make the path absolute, outside the root.
        let valid = key.len() == 35
            && key.bytes().enumerate().all(|(i, b)| if i == 2 { b == b'/' } else { b.is_ascii_hexdigit() });
        valid.then(|| self.root.join(key))
    }

    /// Streams one multipart field to storage. The field is read to its end (or to a cap well past
    /// the limit) whatever the outcome: do not poll it again.
    pub async fn receive(
        &self,
        field: &mut actix_multipart::Field,
        original_name: &str,
        limits: Limits,
    ) -> Result<StoredFile, UploadError> {
        let tmp_dir = self.root.join("tmp");
        tokio::fs::create_dir_all(&tmp_dir).await?;
        let tmp = tmp_dir.join(format!("{}.part", hex::encode(rand::random::<[u8; 16]>())));
        let result = self.stream_to(field, &tmp, original_name, limits).await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    async fn stream_to(
        &self,
        field: &mut actix_multipart::Field,
        tmp: &Path,
        original_name: &str,
        limits: Limits,
    ) -> Result<StoredFile, UploadError> {
        let mut file = tokio::fs::File::create(tmp).await?;
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head: Vec<u8> = Vec::with_capacity(512);
        let mut tail: Vec<u8> = Vec::new();
        const TAIL: usize = 64 * 1024;
        // Past a limit the rest of the field is read and dropped (up to a cap), so the client
        // can read the refusal; nothing more is written.
        let mut refused: Option<UploadError> = None;
        let drain_cap = limits.per_file.saturating_mul(4).max(1024 * 1024);
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| UploadError::Interrupted(e.to_string()))?;
            size += chunk.len() as u64;
            if refused.is_some() {
                if size > drain_cap {
                    break;
                }
                continue;
            }
            if size > limits.per_file {
                refused = Some(UploadError::FileTooLarge { limit: limits.per_file });
                continue;
            }
            if size > limits.remaining {
                refused = Some(UploadError::TotalTooLarge);
                continue;
            }
            if head.len() < 512 {
                let take = (512 - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            tail.extend_from_slice(&chunk);
            if tail.len() > 2 * TAIL {
                tail.drain(..tail.len() - TAIL);
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
        }
        if let Some(e) = refused {
            return Err(e);
        }
        if size == 0 {
            return Err(UploadError::Empty);
        }
        let kind = FileKind::detect(&head, &tail).ok_or(UploadError::UnsupportedType)?;
        file.flush().await?;
        file.sync_all().await?;
        drop(file);

        let name = hex::encode(rand::random::<[u8; 16]>());
        let key = format!("{}/{}", &name[..2], name);
        let dir = self.root.join(&name[..2]);
        tokio::fs::create_dir_all(&dir).await?;
        let target = self.root.join(&key);
        tokio::fs::rename(tmp, &target).await?;
        // The rename itself must survive a crash: sync the directory.
        let dir_handle = tokio::fs::File::open(&dir).await?;
        dir_handle.sync_all().await?;
        Ok(StoredFile {
            storage_key: key,
            original_name: safe_name(original_name, kind),
            kind,
            size,
            sha256: hex::encode(hasher.finalize()),
        })
    }

    /// Reads a whole multipart form: its files (parts named `file`; an empty part, as browsers
    /// send when nothing was chosen, is skipped) are stored, its short text fields kept. On any
    /// refusal the files already stored are removed and the rest of the body is read and
    /// dropped, so the client reads the answer.
    pub async fn receive_form(
        &self,
        payload: &mut actix_multipart::Multipart,
        per_file: u64,
        mut remaining: u64,
        max_files: usize,
    ) -> Result<Received, UploadError> {
        let mut received = Received::default();
        let mut parts = 0usize;
        while let Some(field) = payload.next().await {
            let mut field = match field {
                Ok(f) => f,
                Err(e) => {
                    self.discard(&received.files).await;
                    return Err(UploadError::Interrupted(e.to_string()));
                }
            };
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.content_disposition().and_then(|d| d.get_filename()).map(str::to_owned);
            parts += 1;
            if parts > MAX_PARTS {
                self.discard(&received.files).await;
                return Err(UploadError::TooManyFiles);
            }
            let outcome = match (name.as_str(), file_name) {
                ("file", Some(original)) if !original.is_empty() => {
                    if received.files.len() >= max_files {
                        Err(UploadError::TooManyFiles)
                    } else {
                        match self.receive(&mut field, &original, Limits { per_file, remaining }).await {
                            Ok(file) => {
                                remaining = remaining.saturating_sub(file.size);
                                received.files.push(file);
                                Ok(())
                            }
                            Err(e) => Err(e),
                        }
                    }
                }
                // An empty file part (nothing chosen) or another part: read and dropped, capped.
                (_, Some(_)) => skip(&mut field, TEXT_FIELD_LIMIT).await,
                _ => {
                    let mut text = Vec::new();
                    let mut too_long = false;
                    while let Some(chunk) = field.next().await {
                        let Ok(chunk) = chunk else { break };
                        if text.len() + chunk.len() > TEXT_FIELD_LIMIT {
                            too_long = true;
                            break;
                        }
                        text.extend_from_slice(&chunk);
                    }
                    if too_long {
                        Err(UploadError::Interrupted("a text field is too long".into()))
                    } else {
                        let value = String::from_utf8_lossy(&text).replace('\0', "");
                        received.fields.push((name, value));
                        Ok(())
                    }
                }
            };
            if let Err(e) = outcome {
                self.discard(&received.files).await;
                drop(field);
                drain(payload).await;
                return Err(e);
            }
        }
        Ok(received)
    }

    /// Removes stored files (after a failed database write).
    pub async fn discard(&self, files: &[StoredFile]) {
        for f in files {
            if let Some(path) = self.path_of(&f.storage_key) {
                let _ = tokio::fs::remove_file(path).await;
            }
        }
    }
}

/// How old an in-progress upload (`tmp/*.part`) or a file no row names must be before a sweep
/// removes it while servers run: an upload still streaming rewrites its `.part` file with every
/// chunk, and a finished one is renamed a moment before its row commits, so an hour-old file of
/// either kind is left over by a server that was killed (or a disk error) and will never be used.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// What a sweep found and removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// `tmp/*.part` files of uploads that never finished.
    pub temporary: usize,
    /// Files under their final name that no row references (an upload whose row never committed,
    /// a removed attachment whose file removal was cut short).
    pub unreferenced: usize,
    /// Files too recent to be judged, left alone.
    pub recent: usize,
}

/// Removes the stale leftovers of interrupted uploads from `DATA_DIR/uploads`: temporary files and
/// files no row references, last modified at least `min_age` ago. The files are listed before the
/// references are read, so a file whose row commits meanwhile is seen as referenced; `min_age`
/// keeps the uploads in flight on any server safe ([`STALE_AFTER`] while serving; 0 only when
/// every server is stopped). Used at server start, by the scheduler's `uploads-sweep` job and by
/// `achat-ouvert uploads sweep`.
pub fn sweep(
    conn: &mut crate::db::DbConnection,
    data_dir: &Path,
    min_age: std::time::Duration,
    dry_run: bool,
) -> Result<Swept, SweepError> {
    let root = data_dir.join("uploads");
    if !root.exists() {
        return Ok(Swept::default());
    }
    let mut files = Vec::new();
    list_files(&root, &root, &mut files)?;
    let referenced = crate::backup::referenced_keys(conn)?;
    let now = std::time::SystemTime::now();
    let mut swept = Swept::default();
    for (key, path) in files {
        let temporary = key.starts_with("tmp/");
        if !temporary && referenced.contains(&key) {
            continue;
        }
        let modified = std::fs::metadata(&path).and_then(|m| m.modified());
        let age = match modified {
            Ok(m) => now.duration_since(m).unwrap_or_default(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(SweepError::Io(path.display().to_string(), e)),
        };
        if age < min_age {
            swept.recent += 1;
            continue;
        }
        if !dry_run {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(SweepError::Io(path.display().to_string(), e)),
            }
        }
        if temporary {
            swept.temporary += 1;
        } else {
            swept.unreferenced += 1;
        }
    }
    Ok(swept)
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Every file under `dir`, keyed by its `/`-separated path relative to `root`.
fn list_files(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<(), SweepError> {
    let entries = std::fs::read_dir(dir).map_err(|e| SweepError::Io(dir.display().to_string(), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| SweepError::Io(dir.display().to_string(), e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| SweepError::Io(path.display().to_string(), e))?;
        if kind.is_dir() {
            list_files(root, &path, out)?;
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let key = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.push((key, path));
        }
    }
    Ok(())
}

/// The scheduler's `uploads-sweep` job: removes leftovers older than [`STALE_AFTER`].
pub fn scheduled(
    conn: &mut crate::db::DbConnection,
    settings: &crate::config::Settings,
    _now: chrono::NaiveDateTime,
) -> diesel::QueryResult<usize> {
    match sweep(conn, &settings.data_dir, STALE_AFTER, false) {
        Ok(s) => Ok(s.temporary + s.unreferenced),
        Err(SweepError::Database(e)) => Err(e),
        Err(e) => Err(diesel::result::Error::QueryBuilderError(e.to_string().into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_recognised_by_content_not_name() {
        assert_eq!(FileKind::detect(b"%PDF-1.7\n", b""), Some(FileKind::Pdf));
        assert_eq!(FileKind::detect(b"\x89PNG\r\n\x1a\n....", b""), Some(FileKind::Png));
        assert_eq!(FileKind::detect(b"\xFF\xD8\xFF\xE0", b""), Some(FileKind::Jpeg));
        let mut odt = b"PK\x03\x04".to_vec();
        odt.extend_from_slice(&[0u8; 26]);
        odt.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.text");
        assert_eq!(FileKind::detect(&odt, b""), Some(FileKind::Odt));
        let docx_tail = b"...[Content_Types].xml...word/document.xml...";
        assert_eq!(FileKind::detect(b"PK\x03\x04rest", docx_tail), Some(FileKind::Docx));
        assert_eq!(FileKind::detect(b"PK\x03\x04rest", b"[Content_Types].xml xl/workbook.xml"), Some(FileKind::Xlsx));
        // A zip that is none of these, an executable, HTML named .pdf: refused.
        assert_eq!(FileKind::detect(b"PK\x03\x04rest", b"other.txt"), None);
        assert_eq!(FileKind::detect(b"MZ\x90\x00", b""), None);
        assert_eq!(FileKind::detect(b"<html><script>", b""), None);
    }

    #[test]
    fn names_are_made_safe_with_the_detected_extension() {
        assert_eq!(safe_name("../../etc/passwd", FileKind::Pdf), "passwd.pdf");
        assert_eq!(safe_name("C:\\Users\\x\\Offre finale.exe", FileKind::Docx), "Offre finale.docx");
        assert_eq!(safe_name("a\"b;c\r\n.pdf", FileKind::Pdf), "a_b_c.pdf");
        assert_eq!(safe_name("", FileKind::Png), "document.png");
        assert_eq!(safe_name(".hidden", FileKind::Png), "document.png");
        assert_eq!(safe_name("facture\u{202E}fdp.exe", FileKind::Pdf), "facturefdp.pdf");
        assert_eq!(safe_name("a\u{2066}b\u{2069}\u{200F}c\u{FEFF}.pdf", FileKind::Pdf), "abc.pdf");
        // Found by a property: a space after the leading dots stayed at the front.
        assert_eq!(safe_name(" . x.pdf", FileKind::Pdf), "x.pdf");
        assert_eq!(safe_name(". .", FileKind::Pdf), "document.pdf");
    }
}

/// Properties of what an upload brings from outside: its name and its first and last bytes
/// (`cargo test --lib property_tests`).
#[cfg(test)]
mod property_tests {
    use super::*;
    use proptest::prelude::*;

    const KINDS: [FileKind; 7] =
        [FileKind::Pdf, FileKind::Odt, FileKind::Ods, FileKind::Docx, FileKind::Xlsx, FileKind::Png, FileKind::Jpeg];

    fn kinds() -> impl Strategy<Value = FileKind> {
        proptest::sample::select(KINDS.to_vec())
    }

    /// Names as browsers and scripts send them: any text, and text full of the characters that
    /// make names dangerous (paths, dots, quotes, controls, bidirectional overrides, spaces).
    fn names() -> impl Strategy<Value = String> {
        let dangerous = proptest::collection::vec(
            prop_oneof![
                Just("/".to_owned()),
                Just("\\".to_owned()),
                Just(".".to_owned()),
                Just("..".to_owned()),
                Just(" ".to_owned()),
                Just("\"".to_owned()),
                Just(";".to_owned()),
                Just("\r\n".to_owned()),
                Just("\u{0}".to_owned()),
                Just("\u{202E}".to_owned()),
                Just("\u{2066}".to_owned()),
                Just("\u{200B}".to_owned()),
                Just("\u{FEFF}".to_owned()),
                Just("\u{3000}".to_owned()),
                Just(".pdf".to_owned()),
                Just(".exe".to_owned()),
                "[a-zé]{1,8}",
            ],
            0..24,
        )
        .prop_map(|parts| parts.concat());
        prop_oneof!["\\PC{0,200}", any::<String>(), dangerous]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// A safe name has no path, no control, bidirectional or zero-width character, no quote
        /// or separator a header or a file system reads, no leading dot or space, a stem of at most
        /// 120 characters, and the extension of the type recognised; making it safe again changes
        /// nothing.
        #[test]
        fn a_safe_name_is_safe_whatever_was_sent(original in names(), kind in kinds()) {
            let name = safe_name(&original, kind);
            let extension = format!(".{}", kind.extension());
            prop_assert!(name.ends_with(&extension), "{name:?}");
            let stem = &name[..name.len() - extension.len()];
            prop_assert!(!stem.is_empty() && stem.chars().count() <= 120, "{name:?}");
            prop_assert!(!stem.starts_with('.'), "{name:?}");
            prop_assert_eq!(stem.trim(), stem, "no leading or trailing space: {:?}", name);
            for c in name.chars() {
                prop_assert!(!c.is_control() && !is_invisible_format(c), "{name:?} keeps {c:?}");
                prop_assert!(!matches!(c, '/' | '\\' | '"' | '<' | '>' | ':' | '|' | '?' | '*' | ';'), "{name:?} keeps {c:?}");
            }
            prop_assert_eq!(safe_name(&name, kind), name);
        }

        /// Recognition never fails on any bytes, and content with a known signature is that type
        /// whatever follows; bytes that start with no signature are refused.
        #[test]
        fn types_are_recognised_from_content_only(
            head in proptest::collection::vec(any::<u8>(), 0..600),
            tail in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            let kind = FileKind::detect(&head, &tail);
            if head.starts_with(b"%PDF-") {
                prop_assert_eq!(kind, Some(FileKind::Pdf));
            }
            let signature = [&b"%PDF-"[..], b"\x89PNG\r\n\x1a\n", b"\xFF\xD8\xFF", b"PK\x03\x04"];
            if !signature.iter().any(|s| head.starts_with(s)) {
                prop_assert_eq!(kind, None);
            }
            let mut pdf = b"%PDF-".to_vec();
            pdf.extend_from_slice(&head);
            prop_assert_eq!(FileKind::detect(&pdf, &tail), Some(FileKind::Pdf));
            let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
            png.extend_from_slice(&head);
            prop_assert_eq!(FileKind::detect(&png, &tail), Some(FileKind::Png));
        }

        /// A zip is an office document only if its entries say so.
        #[test]
        fn a_zip_is_recognised_by_its_entries(body in proptest::collection::vec(any::<u8>(), 0..300), docx in any::<bool>()) {
            let mut head = b"PK\x03\x04".to_vec();
            head.extend_from_slice(&body);
            prop_assume!(head.get(30..38) != Some(b"mimetype"));
            let mut tail = body.clone();
            tail.extend_from_slice(b"[Content_Types].xml");
            tail.extend_from_slice(if docx { b"word/document.xml" } else { b"xl/workbook.xml" });
            prop_assert_eq!(FileKind::detect(&head, &tail), Some(if docx { FileKind::Docx } else { FileKind::Xlsx }));
            prop_assume!(!contains(&body, b"[Content_Types].xml"));
            prop_assert_eq!(FileKind::detect(&head, &body), None);
        }

        /// Only keys the store generated name a file, and always one under the uploads directory.
        #[test]
        fn only_generated_keys_name_a_stored_file(key in "\\PC{0,40}|[0-9a-f./]{35}|[0-9a-f/]{2}/[0-9a-f/]{32}|\\.\\./[0-9a-f]{32}") {
            let store = Store::new(Path::new("/data"));
            if let Some(path) = store.path_of(&key) {
                prop_assert!(path.starts_with("/data/uploads"));
                prop_assert!(!key.contains(".."), "{key}");
                prop_assert!(key.chars().all(|c| c == '/' || c.is_ascii_hexdigit()));
            }
        }
    }

    #[test]
    fn a_key_with_a_leading_slash_names_no_file() {
        // Found by a property: `/a/…` passed the check, and joined to the root it replaced it.
        let store = Store::new(Path::new("/data"));
        assert_eq!(store.path_of(&format!("/a/{}", "0".repeat(32))), None);
        assert_eq!(store.path_of(&format!("ab/{}/", "0".repeat(31))), None);
        let key = format!("ab/{}", "0".repeat(32));
        assert_eq!(store.path_of(&key), Some(PathBuf::from("/data/uploads").join(&key)));
    }

    #[test]
    fn content_types_name_their_kind() {
        for kind in KINDS {
            assert_eq!(FileKind::from_content_type(kind.content_type()), Some(kind));
        }
    }
}
