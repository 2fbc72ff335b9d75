//! What the PDF documents share: the frame of a document in the reader's language (page numbers)
//! and times in Paris to the second, with the zone named. The documents themselves are built next
//! to their pages (`proposals::receipt_pdf`, `award::letter_pdf`), from the same facts.

use chrono::NaiveDateTime;

use crate::i18n::Lang;
use crate::pdf::{Block, Document};

/// A document titled `title`, in `lang`, numbered "Page n sur N" / "Page n of N".
pub fn document(lang: Lang, title: String, blocks: Vec<Block>) -> Document {
    Document {
        title,
        lang: lang.code(),
        blocks,
        page_label: Box::new(move |page, pages| {
            lang.t_args("pdf-page", &[("page", &page.to_string()), ("pages", &pages.to_string())])
        }),
    }
}

/// A time in Paris to the second, the zone named and its offset from UTC given: a document is
/// read away from the page, so it says which clock it means.
pub fn paris_named(lang: Lang, at: NaiveDateTime) -> String {
    let time = crate::i18n::paris_seconds(lang, at);
    let offset = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &at).format("%:z").to_string();
    lang.t_args("pdf-paris-time", &[("time", &time), ("offset", &offset)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_time_names_its_zone_and_follows_summer_time() {
        let winter = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).and_then(|d| d.and_hms_opt(14, 4, 5));
        let summer = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).and_then(|d| d.and_hms_opt(8, 0, 0));
        let (Some(winter), Some(summer)) = (winter, summer) else { panic!("dates") };
        assert_eq!(paris_named(Lang::Fr, winter), "07/12/2026 15:04:05, heure de Paris (UTC+01:00)");
        assert_eq!(paris_named(Lang::En, summer), "2026-07-01 10:00:00, Paris time (UTC+02:00)");
    }
}
