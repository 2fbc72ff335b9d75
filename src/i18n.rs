//! The interface language: French by default, English available. Strings live in the Fluent
//! catalogues under `locales/`; a test fails when a key is missing in either language.

use std::collections::HashMap;
use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header::ACCEPT_LANGUAGE;
use actix_web::{FromRequest, HttpRequest};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    // Static data compiled into the binary, not configuration: safe to share between apps.
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        // Bidirectional isolation marks would show up in plain-text mails and titles.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

/// The name of the cookie the language switch sets.
pub const COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name, as shown on the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    /// The message for `key`. A missing key shows as the key itself (and the catalogue test fails).
    pub fn t(self, key: &str) -> String {
        LOCALES.try_lookup(self.id(), key).unwrap_or_else(|| key.to_owned())
    }

    /// The message for `key` with named arguments. They are text, except an argument named
    /// `count` holding an integer, passed as a number so that the catalogue's plural variants
    /// (`[one]`, `*[other]`) choose the words (other arguments stay text: a SIRET is not a number).
    pub fn t_args(self, key: &str, args: &[(&str, &str)]) -> String {
        let args: HashMap<std::borrow::Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| {
                let value = match v.parse::<i64>() {
                    Ok(n) if *k == "count" => FluentValue::from(n),
                    _ => FluentValue::from(*v),
                };
                (std::borrow::Cow::Owned((*k).to_owned()), value)
            })
            .collect();
        LOCALES.try_lookup_with_args(self.id(), key, &args).unwrap_or_else(|| key.to_owned())
    }

    /// The message for `key` with named arguments and one count, passed as a number so that the
    /// catalogue's plural variants (`[one]`, `*[other]`) choose the right words.
    pub fn t_count(self, key: &str, count: (&str, i64), args: &[(&str, &str)]) -> String {
        let mut values: HashMap<std::borrow::Cow<'static, str>, FluentValue<'_>> =
            args.iter().map(|(k, v)| (std::borrow::Cow::Owned((*k).to_owned()), FluentValue::from(*v))).collect();
        values.insert(std::borrow::Cow::Owned(count.0.to_owned()), FluentValue::from(count.1));
        LOCALES.try_lookup_with_args(self.id(), key, &values).unwrap_or_else(|| key.to_owned())
    }

    /// Cookie first, then `Accept-Language` (in order of preference), then French.
    pub fn from_request(req: &HttpRequest) -> Lang {
        if let Some(lang) = req.cookie(COOKIE).and_then(|c| Lang::from_code(c.value())) {
            return lang;
        }
        req.headers().get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(negotiate).unwrap_or_default()
    }
}

/// A time stored in UTC as people read it: in Europe/Paris, to the minute (the pages and mails
/// name the zone once).
pub fn paris(lang: Lang, at: chrono::NaiveDateTime) -> String {
    let local = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &at);
    match lang {
        Lang::Fr => local.format("%d/%m/%Y %H:%M").to_string(),
        Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// The same to the second, for receipts (the JSON keeps the canonical UTC value to the microsecond).
pub fn paris_seconds(lang: Lang, at: chrono::NaiveDateTime) -> String {
    let local = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &at);
    match lang {
        Lang::Fr => local.format("%d/%m/%Y %H:%M:%S").to_string(),
        Lang::En => local.format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

/// A canonical time as receipts and the audit log write it (RFC 3339, `…Z`), in UTC.
pub fn canonical_utc(canonical: &str) -> Option<chrono::NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(canonical).ok().map(|t| t.naive_utc())
}

/// A receipt's canonical UTC time in Paris to the second; the text as it is if it does not parse.
pub fn paris_of_canonical(lang: Lang, canonical: &str) -> String {
    canonical_utc(canonical).map(|t| paris_seconds(lang, t)).unwrap_or_else(|| canonical.to_owned())
}

/// Picks the best supported language from an `Accept-Language` value.
pub fn negotiate(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for item in header.split(',') {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let quality =
            parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        if let Some(lang) = Lang::from_code(primary)
            && quality > 0.0
            && best.is_none_or(|(q, _)| quality > q)
        {
            best = Some((quality, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

impl FromRequest for Lang {
    type Error = std::convert::Infallible;
    type Future = Ready<Result<Lang, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Lang::from_request(req)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_follows_quality_values() {
        assert_eq!(negotiate("en-GB,en;q=0.9,fr;q=0.8"), Some(Lang::En));
        assert_eq!(negotiate("de-DE,fr;q=0.5,en;q=0.4"), Some(Lang::Fr));
        assert_eq!(negotiate("de, it"), None);
        assert_eq!(negotiate("en;q=0, fr;q=0.1"), Some(Lang::Fr));
    }

    #[test]
    fn messages_are_found_in_both_languages() {
        assert_eq!(Lang::Fr.t("lang-name"), "Français");
        assert_eq!(Lang::En.t("lang-name"), "English");
        // A missing key shows as itself rather than failing the page.
        let missing = concat!("no-such", "-key");
        assert_eq!(Lang::En.t(missing), missing);
    }
}
