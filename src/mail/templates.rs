//! The mails the platform sends, each in French or English, as plain text and HTML. Their words
//! live in the catalogues like every other interface string.

use maud::{DOCTYPE, html};

use super::OutgoingMail;
use crate::i18n::Lang;

/// One mail: a greeting, paragraphs, an optional call to action, a closing line.
fn compose(
    lang: Lang,
    to: &str,
    subject: String,
    paragraphs: &[String],
    action: Option<(String, &str)>,
) -> OutgoingMail {
    let greeting = lang.t("mail-greeting");
    let signature = lang.t("mail-signature");
    let mut text = format!("{greeting}\n\n");
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    if let Some((label, url)) = &action {
        // French typography puts a no-break space before a colon; English none.
        let colon = if lang == Lang::Fr { "\u{a0}:" } else { ":" };
        text.push_str(&format!("{label}{colon}\n{url}\n\n"));
    }
    text.push_str(&format!("-- \n{signature}\n"));
    let html = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family: sans-serif; line-height: 1.5; color: #1b1f24;" {
                p { (greeting) }
                @for p in paragraphs { p { (p) } }
                @if let Some((label, url)) = &action {
                    p { a href=(url) style="color: #1f4e79; font-weight: bold;" { (label) } }
                    p style="color: #4f5862; font-size: 0.9em;" { (url) }
                }
                p style="color: #4f5862;" { (signature) }
            }
        }
    };
    OutgoingMail { to: to.to_owned(), subject, text, html: html.into_string() }
}

pub fn verify_email(lang: Lang, to: &str, name: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t("mail-verify-subject"),
        &[lang.t_args("mail-verify-body", &[("name", name)]), lang.t("mail-link-24h")],
        Some((lang.t("mail-verify-action"), link)),
    )
}

/// Someone registered with an address that already has an account: tell its owner, say nothing
/// to the person registering.
pub fn already_registered(lang: Lang, to: &str, sign_in: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t("mail-already-subject"),
        &[lang.t("mail-already-body"), lang.t("mail-ignore-if-not-you")],
        Some((lang.t("mail-sign-in-action"), sign_in)),
    )
}

pub fn reset_password(lang: Lang, to: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t("mail-reset-subject"),
        &[lang.t("mail-reset-body"), lang.t("mail-link-1h"), lang.t("mail-ignore-if-not-you")],
        Some((lang.t("mail-reset-action"), link)),
    )
}

pub fn staff_invitation(lang: Lang, to: &str, roles: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t("mail-staff-subject"),
        &[lang.t_args("mail-staff-body", &[("roles", roles)]), lang.t("mail-link-72h")],
        Some((lang.t("mail-set-password-action"), link)),
    )
}

pub fn organisation_invitation(lang: Lang, to: &str, organisation: &str, inviter: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-org-invite-subject", &[("organisation", organisation)]),
        &[
            lang.t_args("mail-org-invite-body", &[("organisation", organisation), ("inviter", inviter)]),
            lang.t("mail-link-7d"),
        ],
        Some((lang.t("mail-accept-action"), link)),
    )
}

/// An invitation to join an organisation sent to an address that already has an account: no
/// link to accept (an account belongs to one organisation), only what happened and what to do.
pub fn organisation_invitation_existing(
    lang: Lang,
    to: &str,
    organisation: &str,
    inviter: &str,
    sign_in: &str,
) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-org-invite-subject", &[("organisation", organisation)]),
        &[
            lang.t_args("mail-org-invite-body", &[("organisation", organisation), ("inviter", inviter)]),
            lang.t("mail-org-invite-existing"),
        ],
        Some((lang.t("nav-sign-in"), sign_in)),
    )
}

pub fn password_changed(lang: Lang, to: &str) -> OutgoingMail {
    compose(lang, to, lang.t("mail-password-changed-subject"), &[lang.t("mail-password-changed-body")], None)
}

pub fn objective_published(lang: Lang, to: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-published-subject", &[("title", title)]),
        &[lang.t_args("mail-published-body", &[("title", title)]), lang.t("mail-unfollow")],
        Some((lang.t("mail-see-objective"), link)),
    )
}

pub fn objective_amended(lang: Lang, to: &str, title: &str, reason: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-amended-subject", &[("title", title)]),
        &[lang.t_args("mail-amended-body", &[("title", title), ("reason", reason)]), lang.t("mail-unfollow")],
        Some((lang.t("mail-see-objective"), link)),
    )
}

pub fn question_answered(lang: Lang, to: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-answered-subject", &[("title", title)]),
        &[lang.t_args("mail-answered-body", &[("title", title)]), lang.t("mail-unfollow")],
        Some((lang.t("mail-see-objective"), link)),
    )
}

pub fn objective_cancelled(lang: Lang, to: &str, title: &str, reason: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-cancelled-subject", &[("title", title)]),
        &[lang.t_args("mail-cancelled-body", &[("title", title), ("reason", reason)]), lang.t("mail-unfollow")],
        Some((lang.t("mail-see-objective"), link)),
    )
}

pub fn consortium_invitation(lang: Lang, to: &str, lead: &str, objective: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-consortium-subject", &[("lead", lead)]),
        &[lang.t_args("mail-consortium-body", &[("lead", lead), ("title", objective)])],
        Some((lang.t("mail-consortium-action"), link)),
    )
}

/// The receipt of a deposit, reconfirmation or withdrawal.
pub fn deposit_receipt(
    lang: Lang,
    to: &str,
    receipt: &crate::domain::proposals::deposits::Receipt,
    hash: &str,
    link: &str,
) -> OutgoingMail {
    let title = &receipt.objective.title;
    let mut paragraphs = vec![
        lang.t_args(
            &format!("mail-receipt-body-{}", receipt.kind),
            &[("title", title), ("reference", &receipt.objective.reference)],
        ),
        lang.t_args(
            "mail-receipt-facts",
            &[
                ("number", &receipt.receipt_number),
                ("time", &crate::i18n::paris_of_canonical(lang, &receipt.deposited_at)),
                ("hash", hash),
            ],
        ),
    ];
    for d in &receipt.documents {
        paragraphs.push(format!("• {} — {} o — SHA-256 {}", d.name, d.size_bytes, d.sha256));
    }
    if receipt.late {
        paragraphs.push(lang.t(&format!("mail-receipt-late-{}", receipt.kind)));
    }
    if receipt.practice {
        paragraphs.push(lang.t("mail-receipt-practice"));
    }
    compose(
        lang,
        to,
        lang.t_args("mail-receipt-subject", &[("number", &receipt.receipt_number)]),
        &paragraphs,
        Some((lang.t("mail-receipt-action"), link)),
    )
}

pub fn reconfirmation_needed(lang: Lang, to: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-reconfirm-subject", &[("title", title)]),
        &[lang.t_args("mail-reconfirm-body", &[("title", title)])],
        Some((lang.t("mail-reconfirm-action"), link)),
    )
}

pub fn committee_appointment(lang: Lang, to: &str, title: &str, chair: bool, link: &str) -> OutgoingMail {
    let body = if chair { "mail-committee-body-chair" } else { "mail-committee-body" };
    compose(
        lang,
        to,
        lang.t_args("mail-committee-subject", &[("title", title)]),
        &[lang.t_args(body, &[("title", title)])],
        Some((lang.t("mail-committee-action"), link)),
    )
}

pub fn results_published(lang: Lang, to: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-results-subject", &[("title", title)]),
        &[lang.t_args("mail-results-body", &[("title", title)])],
        Some((lang.t("mail-results-action"), link)),
    )
}

/// An award (or its absence) left a letter in the organisation's space.
pub fn letter_waiting(lang: Lang, to: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-letter-subject", &[("title", title)]),
        &[lang.t_args("mail-letter-body", &[("title", title)])],
        Some((lang.t("mail-letter-action"), link)),
    )
}

/// Another organisation wrote through the platform (the message is read on the platform).
pub fn message_received(lang: Lang, to: &str, sender: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-message-subject", &[("sender", sender)]),
        &[lang.t_args("mail-message-body", &[("sender", sender)])],
        Some((lang.t("mail-message-action"), link)),
    )
}

/// An agent published a practice the recipient submitted.
pub fn practice_published(lang: Lang, to: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-practice-published-subject", &[("title", title)]),
        &[lang.t_args("mail-practice-published-body", &[("title", title)])],
        Some((lang.t("mail-practice-action"), link)),
    )
}

/// An agent refused a practice the recipient submitted, with the reason.
pub fn practice_refused(lang: Lang, to: &str, title: &str, reason: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-practice-refused-subject", &[("title", title)]),
        &[lang.t_args("mail-practice-refused-body", &[("title", title), ("reason", reason)])],
        Some((lang.t("mail-practice-action"), link)),
    )
}

/// A user of the purchase invited onto a contract with a new account: a link to set its password.
pub fn purchase_user_invitation(lang: Lang, to: &str, objective: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-purchase-user-subject", &[("objective", objective)]),
        &[lang.t_args("mail-purchase-user-body", &[("objective", objective)]), lang.t("mail-link-72h")],
        Some((lang.t("mail-set-password-action"), link)),
    )
}

/// A user of the purchase invited onto a contract with the account they already have.
pub fn purchase_user_access(lang: Lang, to: &str, objective: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-purchase-user-subject", &[("objective", objective)]),
        &[lang.t_args("mail-purchase-user-body", &[("objective", objective)]), lang.t("mail-purchase-user-existing")],
        Some((lang.t("mail-purchase-user-action"), link)),
    )
}

/// What an indicator report reminder says.
pub struct IndicatorReminder<'a> {
    pub objective: &'a str,
    pub indicator: &'a str,
    pub period: i32,
    /// The last day to report the period.
    pub due: chrono::NaiveDate,
    /// Past that day.
    pub late: bool,
    pub link: &'a str,
}

/// A report of an indicator is due soon, or late (sent by the scheduler to the holder's members).
pub fn indicator_reminder(lang: Lang, to: &str, r: &IndicatorReminder<'_>) -> OutgoingMail {
    let date = match lang {
        Lang::Fr => r.due.format("%d/%m/%Y").to_string(),
        Lang::En => r.due.format("%Y-%m-%d").to_string(),
    };
    let period = r.period.to_string();
    let args =
        [("title", r.objective), ("indicator", r.indicator), ("period", period.as_str()), ("date", date.as_str())];
    let (subject, body) = if r.late {
        ("mail-indicator-late-subject", "mail-indicator-late-body")
    } else {
        ("mail-indicator-due-subject", "mail-indicator-due-body")
    };
    compose(
        lang,
        to,
        lang.t_args(subject, &args),
        &[lang.t_args(body, &args)],
        Some((lang.t("mail-indicator-reminder-action"), r.link)),
    )
}

/// The reminder of a sourcing meeting, queued at registration to leave the day before.
pub fn meeting_reminder(lang: Lang, to: &str, title: &str, when: &str, place: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-meeting-reminder-subject", &[("title", title)]),
        &[lang.t_args("mail-meeting-reminder-body", &[("title", title), ("when", when), ("place", place)])],
        Some((lang.t("mail-see-consultation"), link)),
    )
}

/// A seat freed by a cancellation went to the first person waiting.
pub fn meeting_seat_given(lang: Lang, to: &str, title: &str, when: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-meeting-seat-subject", &[("title", title)]),
        &[lang.t_args("mail-meeting-seat-body", &[("title", title), ("when", when)])],
        Some((lang.t("mail-see-consultation"), link)),
    )
}

/// The call that followed a consultation is open: to everyone who took part.
pub fn consultation_call_opened(lang: Lang, to: &str, title: &str, note: &str, link: &str) -> OutgoingMail {
    compose(
        lang,
        to,
        lang.t_args("mail-call-opened-subject", &[("title", title)]),
        &[lang.t_args("mail-call-opened-body", &[("title", title), ("note", note)])],
        Some((lang.t("mail-see-objective"), link)),
    )
}
