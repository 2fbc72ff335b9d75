//! The themes objectives are filed under, and suppliers follow.

/// (code, French, English)
pub const THEMES: &[(&str, &str, &str)] = &[
    ("mobilite", "Mobilités et transports", "Mobility and transport"),
    ("energie", "Énergie et climat", "Energy and climate"),
    ("batiment", "Bâtiment et aménagement", "Buildings and planning"),
    ("alimentation", "Alimentation et restauration collective", "Food and catering"),
    ("numerique", "Numérique responsable", "Responsible digital"),
    ("formation", "Éducation et formation", "Education and training"),
    ("sante", "Santé et solidarités", "Health and solidarity"),
    ("culture", "Culture, sport et tourisme", "Culture, sport and tourism"),
    ("biodiversite", "Eau et biodiversité", "Water and biodiversity"),
    ("economie", "Économie locale et emploi", "Local economy and jobs"),
];

pub fn is_theme(code: &str) -> bool {
    THEMES.iter().any(|(c, _, _)| *c == code)
}

/// The theme's name in the language `code` (`fr` or `en`).
pub fn name(code: &str, lang: crate::i18n::Lang) -> String {
    THEMES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, fr, en)| match lang {
            crate::i18n::Lang::Fr => (*fr).to_owned(),
            crate::i18n::Lang::En => (*en).to_owned(),
        })
        .unwrap_or_else(|| code.to_owned())
}
