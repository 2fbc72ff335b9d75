//! The network of sustainable suppliers (docs/NETWORK.md): organisations choose to appear in a
//! public directory with a sustainability profile and the credentials they hold.
//!
//! - [`credentials`]: the catalogue administrators keep, and the credentials an organisation
//!   holds (with an optional expiry date and evidence document).
//! - [`profiles`]: the profile an organisation edits, the directory's search and filters, the
//!   public view, and the export of everything the platform holds about an organisation.
//! - [`partners`], [`messages`], [`practices`]: partner finding, messages between organisations
//!   and their abuse reports, good practices.
//!
//! The operations that change the network (`profiles::update`, `credentials::add_held`,
//! `messages::post`, …) each own their transaction: the network's lock where they check before
//! they write, the change, its audit entry and its mails commit together.

pub mod credentials;
pub mod messages;
pub mod partners;
pub mod practices;
pub mod profiles;

use crate::db::ids::UserId;
use crate::domain::audit::AuditActor;
use crate::i18n::Lang;

/// Who changes the network: the user the rows name, and how the audit log names them.
#[derive(Debug, Clone, Copy)]
pub struct Acting<'a> {
    pub user: UserId,
    pub actor: &'a AuditActor,
}

/// The departments of the region (Auvergne-Rhône-Alpes) an organisation may say it serves.
pub const DEPARTMENTS: &[(&str, &str)] = &[
    ("01", "Ain"),
    ("03", "Allier"),
    ("07", "Ardèche"),
    ("15", "Cantal"),
    ("26", "Drôme"),
    ("38", "Isère"),
    ("42", "Loire"),
    ("43", "Haute-Loire"),
    ("63", "Puy-de-Dôme"),
    ("69", "Rhône et Métropole de Lyon"),
    ("73", "Savoie"),
    ("74", "Haute-Savoie"),
];

pub fn department_name(code: &str) -> Option<&'static str> {
    DEPARTMENTS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The themes an organisation states commitments under: (code, French, English).
pub const COMMITMENTS: &[(&str, &str, &str)] = &[
    ("climate", "Climat", "Climate"),
    ("circularity", "Économie circulaire", "Circular economy"),
    ("inclusion", "Inclusion et emploi", "Inclusion and jobs"),
    ("local-economy", "Économie locale", "Local economy"),
    ("biodiversity", "Biodiversité", "Biodiversity"),
];

pub fn commitment_name(code: &str, lang: Lang) -> String {
    COMMITMENTS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, fr, en)| match lang {
            Lang::Fr => (*fr).to_owned(),
            Lang::En => (*en).to_owned(),
        })
        .unwrap_or_else(|| code.to_owned())
}

/// Today in Paris: credentials expire at the end of their day, region time.
pub fn today(now: chrono::NaiveDateTime) -> chrono::NaiveDate {
    chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &now).date_naive()
}
