//! Supplier organisations: legal identifiers (SIRET with its Luhn check, EU VAT numbers, other),
//! size, social economy, sectors; registration data parsed into valid values.

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::ids::{OrganisationId, UserId};
use crate::db::schema::{organisations, users};

/// The kind of legal identifier an organisation registers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierType {
    Siret,
    Vat,
    Other,
}

impl IdentifierType {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierType::Siret => "siret",
            IdentifierType::Vat => "vat",
            IdentifierType::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<IdentifierType> {
        match s {
            "siret" => Some(IdentifierType::Siret),
            "vat" => Some(IdentifierType::Vat),
            "other" => Some(IdentifierType::Other),
            _ => None,
        }
    }
}

/// A validated, normalised legal identifier (spaces removed, upper case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LegalIdentifier {
    pub kind: IdentifierType,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("a SIRET has 14 digits")]
    SiretLength,
    #[error("this SIRET fails its check digit")]
    SiretChecksum,
    #[error("unknown country prefix for an EU VAT number")]
    VatCountry,
    #[error("this VAT number does not have its country's format")]
    VatFormat,
    #[error("this French VAT number fails its check key")]
    VatFrenchKey,
    #[error("an identifier has 3 to 40 letters, digits, spaces, dots, slashes or dashes")]
    OtherFormat,
}

impl IdentifierError {
    /// The catalogue key of the message shown next to the field.
    pub fn message_key(self) -> &'static str {
        match self {
            IdentifierError::SiretLength => "identifier-error-siret-length",
            IdentifierError::SiretChecksum => "identifier-error-siret-checksum",
            IdentifierError::VatCountry => "identifier-error-vat-country",
            IdentifierError::VatFormat => "identifier-error-vat-format",
            IdentifierError::VatFrenchKey => "identifier-error-vat-key",
            IdentifierError::OtherFormat => "identifier-error-other",
        }
    }
}

impl LegalIdentifier {
    pub fn parse(kind: IdentifierType, raw: &str) -> Result<LegalIdentifier, IdentifierError> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != '-').collect();
        let value = match kind {
            IdentifierType::Siret => parse_siret(&compact)?,
            IdentifierType::Vat => parse_vat(&compact.to_uppercase())?,
            IdentifierType::Other => {
                // The bound holds for the value kept: upper case can lengthen it (`ß` → `SS`).
                let value = raw.trim().to_uppercase();
                let ok = (3..=40).contains(&value.chars().count())
                    && value.chars().all(|c| c.is_alphanumeric() || " ./-".contains(c));
                if !ok {
                    return Err(IdentifierError::OtherFormat);
                }
                value
            }
        };
        Ok(LegalIdentifier { kind, value })
    }
}

impl fmt::Display for LegalIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

fn digits(s: &str) -> Option<Vec<u32>> {
    s.chars().map(|c| c.to_digit(10)).collect()
}

/// Luhn over all 14 digits; La Poste's establishments (SIREN 356000000) instead need a digit sum
/// that is a multiple of 5.
fn parse_siret(s: &str) -> Result<String, IdentifierError> {
    let d = digits(s).filter(|d| d.len() == 14).ok_or(IdentifierError::SiretLength)?;
    let valid = if s.starts_with("356000000") { d.iter().sum::<u32>() % 5 == 0 } else { luhn(&d) };
    if valid { Ok(s.to_owned()) } else { Err(IdentifierError::SiretChecksum) }
}

/// A valid SIRET made from its first 13 digits and its check digit (demo and seed data): the
/// Luhn digit, or for La Poste the digit that makes the sum a multiple of 5.
pub fn siret_with_check_digit(first_13: u64) -> String {
    let base = format!("{first_13:013}");
    (0..10).map(|check| format!("{base}{check}")).find(|candidate| parse_siret(candidate).is_ok()).unwrap_or(base)
}

pub fn luhn(d: &[u32]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &n)| {
            if i % 2 == 1 {
                let doubled = n * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                n
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Per-country formats of EU VAT numbers, after the two-letter prefix. `9` is a digit, `a` a
/// letter, `x` a letter or digit, `+` a letter, digit, `+` or `*`; anything else is literal.
const VAT_FORMATS: &[(&str, &[&str])] = &[
    ("AT", &["U99999999"]),
    ("BE", &["0999999999", "1999999999"]),
    ("BG", &["999999999", "9999999999"]),
    ("CY", &["99999999a"]),
    ("CZ", &["99999999", "999999999", "9999999999"]),
    ("DE", &["999999999"]),
    ("DK", &["99999999"]),
    ("EE", &["999999999"]),
    ("EL", &["999999999"]),
    ("ES", &["x9999999x"]),
    ("FI", &["99999999"]),
    ("FR", &["xx999999999"]),
    ("HR", &["99999999999"]),
    ("HU", &["99999999"]),
    ("IE", &["9999999a", "9999999aa", "9+99999a"]),
    ("IT", &["99999999999"]),
    ("LT", &["999999999", "999999999999"]),
    ("LU", &["99999999"]),
    ("LV", &["99999999999"]),
    ("MT", &["99999999"]),
    ("NL", &["999999999B99"]),
    ("PL", &["9999999999"]),
    ("PT", &["999999999"]),
    ("RO", &["99", "999", "9999", "99999", "999999", "9999999", "99999999", "999999999", "9999999999"]),
    ("SE", &["999999999999"]),
    ("SI", &["99999999"]),
    ("SK", &["9999999999"]),
];

fn matches_format(value: &str, format: &str) -> bool {
    value.chars().count() == format.chars().count()
        && value.chars().zip(format.chars()).all(|(c, f)| match f {
            '9' => c.is_ascii_digit(),
            'a' => c.is_ascii_uppercase(),
            'x' => c.is_ascii_uppercase() || c.is_ascii_digit(),
            '+' => c.is_ascii_uppercase() || c.is_ascii_digit() || c == '+' || c == '*',
            literal => c == literal,
        })
}

fn parse_vat(s: &str) -> Result<String, IdentifierError> {
    if s.len() < 4 || !s.is_char_boundary(2) {
        return Err(IdentifierError::VatFormat);
    }
    let (country, rest) = s.split_at(2);
    let formats =
        VAT_FORMATS.iter().find(|(c, _)| *c == country).map(|(_, f)| *f).ok_or(IdentifierError::VatCountry)?;
    if !formats.iter().any(|f| matches_format(rest, f)) {
        return Err(IdentifierError::VatFormat);
    }
    // A French number whose key is numeric must match its SIREN: key = (12 + 3 × (SIREN mod 97)) mod 97.
    if country == "FR" {
        let (key, siren) = rest.split_at(2);
        if let (Ok(key), Ok(siren)) = (key.parse::<u64>(), siren.parse::<u64>())
            && key != (12 + 3 * (siren % 97)) % 97
        {
            return Err(IdentifierError::VatFrenchKey);
        }
    }
    Ok(s.to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationSize {
    Micro,
    Sme,
    Large,
}

impl OrganisationSize {
    pub const ALL: [OrganisationSize; 3] = [OrganisationSize::Micro, OrganisationSize::Sme, OrganisationSize::Large];
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationSize::Micro => "micro",
            OrganisationSize::Sme => "sme",
            OrganisationSize::Large => "large",
        }
    }
    pub fn parse(s: &str) -> Option<OrganisationSize> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: OrganisationId,
    pub legal_name: String,
    pub identifier_type: String,
    pub identifier: String,
    pub address: String,
    pub postcode: String,
    pub country: String,
    pub size: String,
    pub social_economy: bool,
    pub sectors: String,
    pub owner_user_id: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Organisation {
    pub fn sector_list(&self) -> Vec<String> {
        serde_json::from_str(&self.sectors).unwrap_or_default()
    }
}

/// A valid organisation, ready to insert.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub legal_name: String,
    pub identifier: LegalIdentifier,
    pub address: String,
    pub postcode: String,
    pub country: String,
    pub size: OrganisationSize,
    pub social_economy: bool,
    pub sectors: Vec<String>,
}

#[derive(Insertable)]
#[diesel(table_name = organisations)]
struct OrganisationInsertForm<'a> {
    legal_name: &'a str,
    identifier_type: &'a str,
    identifier: &'a str,
    address: &'a str,
    postcode: &'a str,
    country: &'a str,
    size: &'a str,
    social_economy: bool,
    sectors: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Splits a comma-separated sector list; at most 10 sectors of at most 80 characters.
pub fn parse_sectors(raw: &str) -> Option<Vec<String>> {
    let list: Vec<String> =
        raw.split([',', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
    (list.len() <= 10 && list.iter().all(|s| s.chars().count() <= 80)).then_some(list)
}

/// Whether a postcode fits its country (France: five digits; elsewhere 2 to 12 characters).
pub fn valid_postcode(country: &str, postcode: &str) -> bool {
    if country == "FR" {
        postcode.len() == 5 && postcode.chars().all(|c| c.is_ascii_digit())
    } else {
        (2..=12).contains(&postcode.chars().count())
            && postcode.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
    }
}

pub fn identifier_taken(conn: &mut DbConnection, id: &LegalIdentifier) -> QueryResult<bool> {
    let n: i64 = organisations::table
        .filter(organisations::identifier_type.eq(id.kind.as_str()))
        .filter(organisations::identifier.eq(&id.value))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Inserts the organisation (without owner yet) and returns its id.
pub fn insert(conn: &mut DbConnection, org: &NewOrganisation, now: NaiveDateTime) -> QueryResult<OrganisationId> {
    diesel::insert_into(organisations::table)
        .values(OrganisationInsertForm {
            legal_name: &org.legal_name,
            identifier_type: org.identifier.kind.as_str(),
            identifier: &org.identifier.value,
            address: &org.address,
            postcode: &org.postcode,
            country: &org.country,
            size: org.size.as_str(),
            social_economy: org.social_economy,
            sectors: serde_json::to_string(&org.sectors).unwrap_or_else(|_| "[]".into()),
            created_at: now,
            updated_at: now,
        })
        .returning(organisations::id)
        .get_result(conn)
}

pub fn set_owner(conn: &mut DbConnection, org: OrganisationId, owner: UserId, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(organisations::table.find(org))
        .set((organisations::owner_user_id.eq(Some(owner)), organisations::updated_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: OrganisationId) -> QueryResult<Option<Organisation>> {
    organisations::table.find(id).select(Organisation::as_select()).first(conn).optional()
}

/// The organisation's users, owner first, then by name.
pub fn members(conn: &mut DbConnection, id: OrganisationId) -> QueryResult<Vec<crate::domain::users::User>> {
    users::table
        .filter(users::organisation_id.eq(id))
        .order((users::display_name.asc(), users::id.asc()))
        .select(crate::domain::users::User::as_select())
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siret_uses_luhn_and_la_postes_exception() {
        // A valid SIRET (Luhn) and the same with its last digit changed.
        assert!(LegalIdentifier::parse(IdentifierType::Siret, "732 829 320 00074").is_ok());
        assert_eq!(
            LegalIdentifier::parse(IdentifierType::Siret, "73282932000075"),
            Err(IdentifierError::SiretChecksum)
        );
        assert_eq!(LegalIdentifier::parse(IdentifierType::Siret, "7328293200007"), Err(IdentifierError::SiretLength));
        assert_eq!(LegalIdentifier::parse(IdentifierType::Siret, "7328293200007A"), Err(IdentifierError::SiretLength));
        // La Poste: digit sum a multiple of 5, though Luhn fails.
        let la_poste = "35600000000001";
        assert_eq!(la_poste.chars().filter_map(|c| c.to_digit(10)).sum::<u32>() % 5, 0);
        assert!(!luhn(&digits(la_poste).unwrap()));
        assert!(LegalIdentifier::parse(IdentifierType::Siret, la_poste).is_ok());
        assert_eq!(
            LegalIdentifier::parse(IdentifierType::Siret, "35600000000002"),
            Err(IdentifierError::SiretChecksum)
        );
        // Found by a property: the check digit made for La Poste was the Luhn one, which its rule refused.
        assert_eq!(siret_with_check_digit(3_560_000_000_000), "35600000000001");
    }

    #[test]
    fn vat_numbers_follow_their_countrys_format() {
        for ok in [
            "FR40303265045",
            "fr 40 303 265 045",
            "DE123456789",
            "ATU12345678",
            "NL123456789B01",
            "ESX1234567X",
            "IE1234567WA",
            "BE0123456789",
        ] {
            assert!(LegalIdentifier::parse(IdentifierType::Vat, ok).is_ok(), "{ok}");
        }
        assert_eq!(LegalIdentifier::parse(IdentifierType::Vat, "FR41303265045"), Err(IdentifierError::VatFrenchKey));
        assert_eq!(LegalIdentifier::parse(IdentifierType::Vat, "DE12345678"), Err(IdentifierError::VatFormat));
        assert_eq!(LegalIdentifier::parse(IdentifierType::Vat, "US123456789"), Err(IdentifierError::VatCountry));
        assert_eq!(LegalIdentifier::parse(IdentifierType::Vat, "AT12345678"), Err(IdentifierError::VatFormat));
    }

    #[test]
    fn other_identifiers_are_free_but_bounded() {
        assert_eq!(
            LegalIdentifier::parse(IdentifierType::Other, " che-123.456.789 ").unwrap().value,
            "CHE-123.456.789"
        );
        assert!(LegalIdentifier::parse(IdentifierType::Other, "ab").is_err());
        assert!(LegalIdentifier::parse(IdentifierType::Other, "<script>").is_err());
        // Found by a property: 40 characters that upper case doubles were kept as 80.
        assert_eq!(LegalIdentifier::parse(IdentifierType::Other, &"ß".repeat(40)), Err(IdentifierError::OtherFormat));
        assert_eq!(LegalIdentifier::parse(IdentifierType::Other, &"ß".repeat(20)).unwrap().value, "SS".repeat(20));
    }

    #[test]
    fn postcodes_and_sectors() {
        assert!(valid_postcode("FR", "69001"));
        assert!(!valid_postcode("FR", "6900"));
        assert!(valid_postcode("CH", "1200"));
        assert_eq!(parse_sectors("BTP, énergie ;  ").unwrap(), vec!["BTP", "énergie"]);
        assert!(parse_sectors(&"x,".repeat(11)).is_none());
    }
}

/// Properties of the identifiers a registration form or the API brings (`cargo test --lib
/// property_tests`).
#[cfg(test)]
mod property_tests {
    use super::*;
    use proptest::prelude::*;

    /// A SIRET's digits as text.
    fn text(digits: &[u32]) -> String {
        digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect()
    }

    /// Separators a person types inside an identifier.
    fn separators() -> impl Strategy<Value = Vec<(usize, &'static str)>> {
        proptest::collection::vec((0usize..20, prop_oneof![Just(" "), Just("."), Just("-"), Just("\u{a0}")]), 0..5)
    }

    fn with_separators(value: &str, seps: &[(usize, &str)]) -> String {
        let mut chars: Vec<String> = value.chars().map(String::from).collect();
        for (at, sep) in seps {
            chars.insert((*at).min(chars.len()), (*sep).to_owned());
        }
        chars.concat()
    }

    fn kinds() -> impl Strategy<Value = IdentifierType> {
        prop_oneof![Just(IdentifierType::Siret), Just(IdentifierType::Vat), Just(IdentifierType::Other)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// Whatever is typed, parsing answers (no panic), and what it accepts parses again to itself.
        #[test]
        fn any_input_is_answered_and_an_accepted_value_is_stable(kind in kinds(), raw in "\\PC{0,60}|[0-9 .A-Za-z-]{0,20}|[a-zßﬁŉ0-9]{3,40}") {
            if let Ok(id) = LegalIdentifier::parse(kind, &raw) {
                prop_assert_eq!(LegalIdentifier::parse(kind, &id.value), Ok(id.clone()));
                if kind == IdentifierType::Other {
                    prop_assert!((3..=40).contains(&id.value.chars().count()), "{:?}", id.value);
                }
            }
        }

        /// Every SIRET made from 13 digits and its check digit is accepted (La Poste's too), and
        /// accepted as the same value however it is spaced.
        #[test]
        fn a_siret_with_its_check_digit_is_accepted_however_spaced(base in 0u64..10_000_000_000_000, seps in separators()) {
            let siret = siret_with_check_digit(base);
            prop_assert_eq!(siret.len(), 14);
            let parsed = LegalIdentifier::parse(IdentifierType::Siret, &with_separators(&siret, &seps));
            prop_assert_eq!(parsed.map(|id| id.value), Ok(siret));
        }

        /// La Poste's establishments with their check digit are accepted too.
        #[test]
        fn la_postes_sirets_with_their_check_digit_are_accepted(establishment in 0u64..10_000) {
            let siret = siret_with_check_digit(3_560_000_000_000 + establishment);
            prop_assert!(LegalIdentifier::parse(IdentifierType::Siret, &siret).is_ok(), "{siret}");
        }

        /// Luhn catches every single mistyped digit (outside La Poste, whose rule is weaker).
        #[test]
        fn one_wrong_digit_fails_the_check(base in 0u64..10_000_000_000_000, at in 0usize..14, delta in 1u32..10) {
            let siret = siret_with_check_digit(base);
            prop_assume!(!siret.starts_with("356000000"));
            let mut d = digits(&siret).unwrap_or_default();
            d[at] = (d[at] + delta) % 10;
            let wrong = text(&d);
            prop_assume!(!wrong.starts_with("356000000"));
            prop_assert_eq!(LegalIdentifier::parse(IdentifierType::Siret, &wrong), Err(IdentifierError::SiretChecksum));
        }

        /// A French VAT number with the key of its SIREN is accepted in any case and spacing; any
        /// other numeric key is refused.
        #[test]
        fn a_french_vat_number_needs_its_sirens_key(siren in 0u64..1_000_000_000, wrong in 0u64..97, seps in separators(), lower in any::<bool>()) {
            let key = (12 + 3 * (siren % 97)) % 97;
            let vat = format!("FR{key:02}{siren:09}");
            let typed = with_separators(&if lower { vat.to_lowercase() } else { vat.clone() }, &seps);
            prop_assert_eq!(LegalIdentifier::parse(IdentifierType::Vat, &typed).map(|id| id.value), Ok(vat));
            prop_assume!(wrong != key);
            prop_assert_eq!(
                LegalIdentifier::parse(IdentifierType::Vat, &format!("FR{wrong:02}{siren:09}")),
                Err(IdentifierError::VatFrenchKey)
            );
        }

        /// An accepted VAT number starts with a known country and is only upper-case letters, digits, `+` or `*`.
        #[test]
        fn an_accepted_vat_number_has_a_known_country(raw in "[A-Za-z]{2}[0-9A-Za-z+* ]{0,14}") {
            if let Ok(id) = LegalIdentifier::parse(IdentifierType::Vat, &raw) {
                prop_assert!(VAT_FORMATS.iter().any(|(c, _)| id.value.starts_with(c)), "{}", id.value);
                prop_assert!(id.value.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '+' || c == '*'));
            }
        }
    }
}
