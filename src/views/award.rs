//! After the shortlist: the agent's award page (the form, its confirmation, then the award with
//! its letters, acknowledgements of receipt and challenges), the organisation's letters, one
//! printable letter, and the award as the public objective page shows it.

use chrono::NaiveDateTime;
use maud::{Markup, html};

use super::account::paris;
use super::forms::{Errors, error_summary};
use super::layout::{Ctx, breadcrumbs, csrf_field, page};
use crate::db::ids::ProposalId;
use crate::domain::award::Award;
use crate::domain::award::challenges::{Challenge, Outcome};
use crate::domain::award::letters::{Kind, Letter};
use crate::domain::award::standstill::{self, Refusal};
use crate::domain::objectives::{Status, Transition};
use crate::i18n::Lang;

fn number(ctx: &Ctx, x: f64) -> String {
    let s = format!("{x:.2}");
    if ctx.lang == Lang::Fr { s.replace('.', ",") } else { s }
}

fn notice(n: &Option<String>) -> Markup {
    html! { @if let Some(n) = n { div.alert.alert-ok role="status" { p { (n) } } } }
}

fn failure(e: &Option<String>) -> Markup {
    html! { @if let Some(e) = e { div.alert.alert-error role="alert" { p { (e) } } } }
}

fn status_name(ctx: &Ctx, s: Status) -> String {
    ctx.t(&format!("status-{}", s.as_str()))
}

/// The standstill as a sentence: its end, or that there is none.
fn standstill_sentence(ctx: &Ctx, days: i32, ends_at: NaiveDateTime) -> String {
    if days == 0 {
        ctx.t("award-no-standstill")
    } else {
        ctx.t_args("award-standstill-until", &[("days", &days.to_string()), ("date", &paris(ctx.lang, ends_at))])
    }
}

/// A shortlisted proposal the agent may award.
pub struct Candidate {
    pub proposal: ProposalId,
    pub organisation: String,
    pub title: String,
    pub rank: Option<usize>,
    pub total: f64,
}

/// A letter as the agent's award page lists it.
pub struct LetterRow {
    pub id: i64,
    pub addressee: String,
    pub kind: Kind,
    pub sent_at: NaiveDateTime,
    pub first_opened_at: Option<NaiveDateTime>,
}

/// The agent's award page.
pub struct AgentView {
    pub objective_id: i64,
    pub title: String,
    pub status: Status,
    pub candidates: Vec<Candidate>,
    /// The form's values (prefilled, or as typed when refused).
    pub selected: Vec<ProposalId>,
    pub reasons: String,
    pub standstill_days: String,
    pub not_awarded_reason: String,
    /// The challenge form as typed when refused: lodged on, by, summary.
    pub challenge: [String; 3],
    pub award: Option<Award>,
    pub winner_names: Vec<String>,
    pub letters: Vec<LetterRow>,
    pub challenges: Vec<Challenge>,
    pub may_sign: Option<Result<(), Refusal>>,
    pub notice: Option<String>,
    /// A refusal of the current state, above everything.
    pub error: Option<String>,
    /// Inputs to correct, by field (one of [`AGENT_FIELDS`]): summarised at the top, shown beside
    /// their fields.
    pub errors: Errors,
}

/// The fields of the agent's award page a refusal can point at (ids of the elements).
pub const AGENT_FIELDS: [&str; 7] =
    ["winners", "reasons", "standstill_days", "reason", "lodged_on", "lodged_by", "summary"];

/// A field's own message, under its label, when it was refused.
fn field_error(errors: &Errors, name: &str) -> Markup {
    html! { @if let Some(m) = errors.get(name) { p.field-error id=(format!("{name}-error")) { (m) } } }
}

/// `aria-describedby` of a field: its hint, and its error when it has one.
fn described(errors: &Errors, name: &str, hint: &str) -> String {
    if errors.get(name).is_some() { format!("{hint} {name}-error") } else { hint.to_owned() }
}

pub fn agent_page(ctx: &Ctx, v: &AgentView) -> Markup {
    let title = ctx.t("award-title");
    let base = format!("/objectives/{}", v.objective_id);
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[(&base, v.title.clone())], &title))
            h1 { (title) }
            p { (ctx.t("award-stage")) " " strong { (status_name(ctx, v.status)) } }
            (notice(&v.notice))
            (failure(&v.error))
            (error_summary(ctx, &v.errors))
            @if v.status == Status::ResultsPublished {
                section aria-labelledby="award-form" {
                    h2 #award-form { (ctx.t("award-form-title")) }
                    p { (ctx.t("award-form-intro")) }
                    form method="post" action=(format!("{base}/award/confirm")) {
                        (csrf_field(ctx))
                        fieldset #winners .field-invalid[v.errors.get("winners").is_some()] {
                            legend { (ctx.t("award-winners")) }
                            (field_error(&v.errors, "winners"))
                            @if v.candidates.is_empty() { p.empty { (ctx.t("award-no-candidates")) } }
                            @for c in &v.candidates {
                                div.checkbox {
                                    input type="checkbox" id=(format!("winner-{}", c.proposal)) name="winner" value=(c.proposal)
                                        checked[v.selected.contains(&c.proposal)];
                                    label for=(format!("winner-{}", c.proposal)) {
                                        strong { (c.organisation) } " — " (c.title) " "
                                        span.muted {
                                            @if let Some(r) = c.rank { (ctx.t_args("award-rank", &[("rank", &r.to_string())])) ", " }
                                            (number(ctx, c.total)) " / 100"
                                        }
                                    }
                                }
                            }
                        }
                        div.field.field-invalid[v.errors.get("reasons").is_some()] {
                            label for="reasons" { (ctx.t("award-reasons")) }
                            p.hint id="reasons-hint" { (ctx.t("award-reasons-hint")) }
                            (field_error(&v.errors, "reasons"))
                            textarea id="reasons" name="reasons" rows="12" aria-describedby=(described(&v.errors, "reasons", "reasons-hint"))
                                aria-invalid=[v.errors.get("reasons").map(|_| "true")] required { (v.reasons) }
                        }
                        div.field.field-invalid[v.errors.get("standstill_days").is_some()] {
                            label for="standstill_days" { (ctx.t("award-standstill-days")) }
                            p.hint id="standstill-hint" { (ctx.t("award-standstill-hint")) }
                            (field_error(&v.errors, "standstill_days"))
                            input id="standstill_days" name="standstill_days" type="number" min="0" max=(standstill::MAX_DAYS)
                                value=(v.standstill_days) aria-describedby=(described(&v.errors, "standstill_days", "standstill-hint"))
                                aria-invalid=[v.errors.get("standstill_days").map(|_| "true")] required;
                        }
                        button.button.button-primary type="submit" { (ctx.t("award-continue")) }
                    }
                }
                section aria-labelledby="not-awarded" {
                    h2 #not-awarded { (ctx.t("award-not-awarded-title")) }
                    form method="post" action=(format!("{base}/not-awarded/confirm")) {
                        (csrf_field(ctx))
                        div.field.field-invalid[v.errors.get("reason").is_some()] {
                            label for="reason" { (ctx.t("award-not-awarded-reason")) }
                            (field_error(&v.errors, "reason"))
                            textarea id="reason" name="reason" rows="4" required
                                aria-invalid=[v.errors.get("reason").map(|_| "true")]
                                aria-describedby=[v.errors.get("reason").map(|_| "reason-error")] { (v.not_awarded_reason) }
                        }
                        button.button type="submit" { (ctx.t("award-continue")) }
                    }
                }
            }
            @if let Some(a) = &v.award {
                section aria-labelledby="decision" {
                    h2 #decision { (ctx.t(if a.awarded { "award-decision-awarded" } else { "award-decision-not-awarded" })) }
                    dl.facts {
                        dt { (ctx.t("award-decided-at")) } dd { (paris(ctx.lang, a.decided_at)) }
                        @if a.awarded {
                            dt { (ctx.t("award-winners")) } dd { (v.winner_names.join(", ")) }
                            dt { (ctx.t("award-standstill")) } dd { (standstill_sentence(ctx, a.standstill_days, a.standstill_ends_at)) }
                        }
                    }
                    div.reasons { (a.reasons) }
                    @if a.awarded && matches!(v.status, Status::Awarded | Status::InExecution | Status::Completed | Status::Archived) {
                        p { a.button.button-primary href=(format!("{base}/contract")) { (ctx.t("contract-title")) } }
                    }
                    @if let Some(may) = &v.may_sign {
                        @match may {
                            Ok(()) => p.alert.alert-ok { (ctx.t("award-may-sign")) },
                            Err(Refusal::Standstill { ends_at }) => p.alert { (ctx.t_args("award-sign-standstill", &[("date", &paris(ctx.lang, *ends_at))])) },
                            Err(Refusal::Challenged { open }) => p.alert { (ctx.t_args("award-sign-challenged", &[("count", &open.to_string())])) },
                        }
                    }
                }
                section aria-labelledby="letters" {
                    h2 #letters { (ctx.t("award-letters")) }
                    table {
                        thead { tr {
                            th scope="col" { (ctx.t("letter-addressee")) }
                            th scope="col" { (ctx.t("letter-kind")) }
                            th scope="col" { (ctx.t("letter-sent-at")) }
                            th scope="col" { (ctx.t("letter-first-opened-at")) }
                        } }
                        tbody {
                            @for l in &v.letters {
                                tr {
                                    td { a href=(format!("/organisation/letters/{}", l.id)) { (l.addressee) } }
                                    td { (ctx.t(&format!("letter-kind-{}", l.kind.as_str()))) }
                                    td { (paris(ctx.lang, l.sent_at)) }
                                    td { @match l.first_opened_at { Some(t) => (paris(ctx.lang, t)), None => span.muted { (ctx.t("letter-not-opened-yet")) } } }
                                }
                            }
                        }
                    }
                }
            }
            @if v.status == Status::Awarded || !v.challenges.is_empty() {
                section aria-labelledby="challenges" {
                    h2 #challenges { (ctx.t("challenges-title")) }
                    @if v.challenges.is_empty() { p.empty { (ctx.t("challenges-none")) } }
                    @for c in &v.challenges {
                        article.challenge {
                            h3 { (ctx.t_args("challenge-heading", &[("by", &c.lodged_by), ("date", &c.lodged_on.format("%d/%m/%Y").to_string())])) }
                            p { (c.summary) }
                            @match c.outcome {
                                Some(o) => p { strong { (ctx.t(&format!("challenge-outcome-{}", o.as_str()))) } @if let Some(n) = &c.outcome_note { " — " (n) } },
                                None => form method="post" action=(format!("{base}/challenges/{}/outcome", c.id)) {
                                    (csrf_field(ctx))
                                    div.field {
                                        label for=(format!("outcome-{}", c.id)) { (ctx.t("challenge-outcome")) }
                                        select id=(format!("outcome-{}", c.id)) name="outcome" {
                                            @for o in Outcome::ALL { option value=(o.as_str()) { (ctx.t(&format!("challenge-outcome-{}", o.as_str()))) } }
                                        }
                                    }
                                    div.field {
                                        label for=(format!("note-{}", c.id)) { (ctx.t("challenge-note")) }
                                        textarea id=(format!("note-{}", c.id)) name="note" rows="3" required {}
                                    }
                                    button.button type="submit" { (ctx.t("challenge-settle")) }
                                },
                            }
                        }
                    }
                    @if v.status == Status::Awarded {
                        form method="post" action=(format!("{base}/challenges")) {
                            (csrf_field(ctx))
                            h3 { (ctx.t("challenge-new")) }
                            div.field.field-invalid[v.errors.get("lodged_on").is_some()] {
                                label for="lodged_on" { (ctx.t("challenge-lodged-on")) }
                                (field_error(&v.errors, "lodged_on"))
                                input id="lodged_on" name="lodged_on" type="date" value=(v.challenge[0]) required
                                    aria-invalid=[v.errors.get("lodged_on").map(|_| "true")] aria-describedby=[v.errors.get("lodged_on").map(|_| "lodged_on-error")];
                            }
                            div.field.field-invalid[v.errors.get("lodged_by").is_some()] {
                                label for="lodged_by" { (ctx.t("challenge-lodged-by")) }
                                (field_error(&v.errors, "lodged_by"))
                                input id="lodged_by" name="lodged_by" type="text" value=(v.challenge[1]) required
                                    aria-invalid=[v.errors.get("lodged_by").map(|_| "true")] aria-describedby=[v.errors.get("lodged_by").map(|_| "lodged_by-error")];
                            }
                            div.field.field-invalid[v.errors.get("summary").is_some()] {
                                label for="summary" { (ctx.t("challenge-summary")) }
                                (field_error(&v.errors, "summary"))
                                textarea id="summary" name="summary" rows="4" required
                                    aria-invalid=[v.errors.get("summary").map(|_| "true")] aria-describedby=[v.errors.get("summary").map(|_| "summary-error")] { (v.challenge[2]) }
                            }
                            button.button type="submit" { (ctx.t("challenge-record")) }
                        }
                    }
                }
            }
            @if matches!(v.status, Status::InExecution | Status::Completed | Status::NotAwarded) {
                section aria-labelledby="later" {
                    h2 #later { (ctx.t("award-later-stages")) }
                    form method="post" action=(format!("{base}/stage/confirm")) {
                        (csrf_field(ctx))
                        @if v.status == Status::InExecution {
                            button.button type="submit" name="to" value="completed" { (ctx.t("award-complete")) }
                        } @else {
                            button.button type="submit" name="to" value="archived" { (ctx.t("award-archive")) }
                        }
                    }
                }
            }
        },
    )
}

/// What the agent is about to award, before it is done.
pub struct ConfirmAward {
    pub objective_id: i64,
    pub title: String,
    pub winners: Vec<(ProposalId, String)>,
    pub reasons: String,
    pub standstill_days: i32,
    pub ends_at: NaiveDateTime,
}

pub fn confirm_award(ctx: &Ctx, c: &ConfirmAward) -> Markup {
    let title = ctx.t("award-confirm-title");
    let base = format!("/objectives/{}", c.objective_id);
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[(&base, c.title.clone()), (&format!("{base}/award"), ctx.t("award-title"))], &title))
            h1 { (title) }
            div.alert role="note" { p { (ctx.t("award-confirm-warning")) } }
            dl.facts {
                dt { (ctx.t("award-winners")) }
                dd { ul { @for (_, name) in &c.winners { li { (name) } } } }
                dt { (ctx.t("award-standstill")) } dd { (standstill_sentence(ctx, c.standstill_days, c.ends_at)) }
            }
            h2 { (ctx.t("award-reasons")) }
            div.reasons { (c.reasons) }
            form method="post" action=(format!("{base}/award")) {
                (csrf_field(ctx))
                @for (p, _) in &c.winners { input type="hidden" name="winner" value=(p); }
                input type="hidden" name="reasons" value=(c.reasons);
                input type="hidden" name="standstill_days" value=(c.standstill_days);
                button.button.button-primary type="submit" { (ctx.t("award-confirm")) }
                " " a href=(format!("{base}/award")) { (ctx.t("award-back")) }
            }
        },
    )
}

pub fn confirm_not_awarded(ctx: &Ctx, objective_id: i64, objective_title: &str, reason: &str) -> Markup {
    let title = ctx.t("award-not-awarded-confirm-title");
    let base = format!("/objectives/{objective_id}");
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[(&base, objective_title.to_owned())], &title))
            h1 { (title) }
            div.alert role="note" { p { (ctx.t("award-not-awarded-warning")) } }
            div.reasons { (reason) }
            form method="post" action=(format!("{base}/not-awarded")) {
                (csrf_field(ctx))
                input type="hidden" name="reason" value=(reason);
                button.button.button-primary type="submit" { (ctx.t("award-not-awarded-confirm")) }
                " " a href=(format!("{base}/award")) { (ctx.t("award-back")) }
            }
        },
    )
}

/// Completing the contract or archiving the objective, on its own page before it is done.
pub fn confirm_stage(ctx: &Ctx, objective_id: i64, objective_title: &str, to: Transition) -> Markup {
    use super::confirm::{Confirm, confirmation};
    let key = if to == Transition::Complete { "completed" } else { "archived" };
    let base = format!("/objectives/{objective_id}");
    let award = format!("{base}/award");
    confirmation(
        ctx,
        &Confirm {
            title: ctx.t(&format!("stage-confirm-title-{key}")),
            trail: vec![(base.as_str(), objective_title.to_owned()), (award.as_str(), ctx.t("award-title"))],
            subject: objective_title.to_owned(),
            effects: vec![
                ctx.t(&format!("stage-confirm-timeline-{key}")),
                ctx.t(&format!("stage-confirm-effect-{key}")),
            ],
            irreversible: ctx.t(&format!("stage-confirm-irreversible-{key}")),
            open_items: None,
            action: format!("{base}/stage"),
            hidden: vec![("to", key.to_owned())],
            reason: None,
            checks: vec![],
            button: ctx.t(if to == Transition::Complete { "award-complete" } else { "award-archive" }),
            back: award.clone(),
            errors: Errors::default(),
        },
    )
}

/// The organisation's letters.
pub fn letters_list(ctx: &Ctx, letters: &[Letter]) -> Markup {
    let title = ctx.t("letters-title");
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[("/organisation", ctx.t("nav-organisation"))], &title))
            h1 { (title) }
            @if letters.is_empty() { p.empty { (ctx.t("letters-none")) } }
            ul.objective-list {
                @for l in letters {
                    li.objective-card {
                        h3 { a href=(format!("/organisation/letters/{}", l.id)) { (ctx.t(&format!("letter-kind-{}", l.kind.as_str()))) " — " (l.facts.objective_title) } }
                        p.meta {
                            (ctx.t("letter-sent-at")) " " (paris(ctx.lang, l.sent_at))
                            @if l.first_opened_at.is_none() { " " span.badge.badge-strong { (ctx.t("letter-new")) } }
                        }
                    }
                }
            }
        },
    )
}

fn why_key(code: &str) -> &'static str {
    match code {
        "late" => "letter-why-late",
        "withdrawn" => "letter-why-withdrawn",
        _ => "letter-why-not-reconfirmed",
    }
}

/// One letter, printable, in the reader's language, from its frozen facts.
pub fn letter(ctx: &Ctx, l: &Letter) -> Markup {
    let f = &l.facts;
    let title = format!("{} — {}", ctx.t(&format!("letter-kind-{}", l.kind.as_str())), f.objective_title);
    let objective = [("title", f.objective_title.as_str())];
    html! {
        (page(ctx, &title, html! {
            article.letter {
                p.letter-from { strong { (f.buyer) } }
                p.letter-to { (ctx.t("letter-to")) " " strong { (f.addressee) } }
                p.letter-date { (paris(ctx.lang, l.sent_at)) }
                h1 { (ctx.t_args("letter-subject", &objective)) " (" (f.objective_reference) ")" }
                @match l.kind {
                    Kind::Award => {
                        p { (ctx.t_args("letter-award-body", &objective)) }
                        @if let Some(p) = &f.proposal_title { p { (ctx.t("letter-your-proposal")) " " em { (p) } } }
                        h2 { (ctx.t("letter-next-steps")) }
                        p { (ctx.t("letter-next-steps-body")) " " (standstill_sentence(ctx, f.standstill_days, f.standstill_ends_at)) }
                    }
                    Kind::Rejection => {
                        p { (ctx.t_args("letter-rejection-body", &objective)) }
                        @if let Some(p) = &f.proposal_title { p { (ctx.t("letter-your-proposal")) " " em { (p) } } }
                        @if let Some(s) = &f.scores {
                            h2 { (ctx.t("letter-your-scores")) }
                            table {
                                thead { tr { th scope="col" { (ctx.t("criterion")) } th scope="col" { (ctx.t("criterion-weight")) } th scope="col" { (ctx.t("letter-score")) } } }
                                tbody {
                                    @for c in &s.criteria {
                                        tr {
                                            td { (if ctx.lang == Lang::En { &c.name_en } else { &c.name_fr }) }
                                            td { (c.weight) " %" }
                                            td { @match c.value { Some(x) => { (number(ctx, x)) " / 5" }, None => "—" } }
                                        }
                                    }
                                }
                            }
                            p { (ctx.t("letter-total")) " " strong { (number(ctx, s.total)) " / 100" } }
                            p { @match s.rank {
                                Some(r) => (ctx.t_args("letter-rank", &[("rank", &r.to_string()), ("count", &s.ranked.to_string())])),
                                None => (ctx.t("letter-excluded")),
                            } }
                        }
                        (winners_and_reasons(ctx, l))
                        (remedies(ctx, l))
                    }
                    Kind::NotOpened => {
                        p { (ctx.t_args("letter-not-opened-body", &objective)) }
                        p { (ctx.t(why_key(f.not_opened.as_deref().unwrap_or_default()))) }
                        (winners_and_reasons(ctx, l))
                        (remedies(ctx, l))
                    }
                    Kind::NotAwarded => {
                        p { (ctx.t_args("letter-not-awarded-body", &objective)) }
                        h2 { (ctx.t("letter-reason")) }
                        div.reasons { (f.reasons) }
                    }
                }
                p.letter-print.muted { (ctx.t("letter-print-hint")) }
                div.button-row.no-print {
                    a.button href=(format!("/organisation/letters/{}/pdf", l.id.0)) download { (ctx.t("letter-download-pdf")) }
                }
            }
        }))
    }
}

/// The letter as a PDF, with the same facts as its page: sender, addressee, date (Paris time, the
/// zone named), subject, and the body of its kind — scores and rank, winners and reasons,
/// standstill and remedies.
pub fn letter_pdf(lang: Lang, l: &Letter) -> crate::pdf::Document {
    use super::pdf::{document, paris_named};
    use crate::pdf::Block;
    let t = |key: &str| lang.t(key);
    let f = &l.facts;
    let objective = [("title", f.objective_title.as_str())];
    let title = format!("{} — {}", t(&format!("letter-kind-{}", l.kind.as_str())), f.objective_title);
    let number = |x: f64| {
        let s = format!("{x:.2}");
        if lang == Lang::Fr { s.replace('.', ",") } else { s }
    };
    let standstill = if f.standstill_days == 0 {
        t("award-no-standstill")
    } else {
        lang.t_args(
            "award-standstill-until",
            &[("days", &f.standstill_days.to_string()), ("date", &paris(lang, f.standstill_ends_at))],
        )
    };
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Facts(vec![
            (t("letter-pdf-from"), f.buyer.clone()),
            (t("letter-to"), f.addressee.clone()),
            (t("letter-sent-at"), paris_named(lang, l.sent_at)),
        ]),
        Block::Heading(format!("{} ({})", lang.t_args("letter-subject", &objective), f.objective_reference)),
    ];
    let proposal = |blocks: &mut Vec<Block>| {
        if let Some(p) = &f.proposal_title {
            blocks.push(Block::Paragraph(format!("{} {p}", t("letter-your-proposal"))));
        }
    };
    let winners_and_reasons = |blocks: &mut Vec<Block>| {
        blocks.push(Block::Heading(t("letter-winners")));
        blocks.push(Block::List(f.winners.clone()));
        blocks.push(Block::Heading(t("letter-reasons")));
        blocks.push(Block::Paragraph(f.reasons.clone()));
    };
    let remedies = |blocks: &mut Vec<Block>| {
        blocks.push(Block::Heading(t("letter-standstill")));
        blocks.push(Block::Paragraph(standstill.clone()));
        blocks.push(Block::Heading(t("letter-remedies")));
        blocks.push(Block::Paragraph(lang.t_args("letter-remedies-body", &[("court", &f.court)])));
    };
    match l.kind {
        Kind::Award => {
            blocks.push(Block::Paragraph(lang.t_args("letter-award-body", &objective)));
            proposal(&mut blocks);
            blocks.push(Block::Heading(t("letter-next-steps")));
            blocks.push(Block::Paragraph(format!("{} {}", t("letter-next-steps-body"), standstill)));
        }
        Kind::Rejection => {
            blocks.push(Block::Paragraph(lang.t_args("letter-rejection-body", &objective)));
            proposal(&mut blocks);
            if let Some(s) = &f.scores {
                blocks.push(Block::Heading(t("letter-your-scores")));
                blocks.push(Block::Table {
                    widths: vec![0.6, 0.2, 0.2],
                    header: vec![t("criterion"), t("criterion-weight"), t("letter-score")],
                    rows: s
                        .criteria
                        .iter()
                        .map(|c| {
                            let name = if lang == Lang::En { &c.name_en } else { &c.name_fr };
                            let value = c.value.map(|x| format!("{} / 5", number(x))).unwrap_or_else(|| "—".into());
                            vec![name.clone(), format!("{} %", c.weight), value]
                        })
                        .collect(),
                });
                blocks.push(Block::Paragraph(format!("{} {} / 100", t("letter-total"), number(s.total))));
                blocks.push(Block::Paragraph(match s.rank {
                    Some(r) => {
                        lang.t_args("letter-rank", &[("rank", &r.to_string()), ("count", &s.ranked.to_string())])
                    }
                    None => t("letter-excluded"),
                }));
            }
            winners_and_reasons(&mut blocks);
            remedies(&mut blocks);
        }
        Kind::NotOpened => {
            blocks.push(Block::Paragraph(lang.t_args("letter-not-opened-body", &objective)));
            blocks.push(Block::Paragraph(t(why_key(f.not_opened.as_deref().unwrap_or_default()))));
            winners_and_reasons(&mut blocks);
            remedies(&mut blocks);
        }
        Kind::NotAwarded => {
            blocks.push(Block::Paragraph(lang.t_args("letter-not-awarded-body", &objective)));
            blocks.push(Block::Heading(t("letter-reason")));
            blocks.push(Block::Paragraph(f.reasons.clone()));
        }
    }
    document(lang, title, blocks)
}

fn winners_and_reasons(ctx: &Ctx, l: &Letter) -> Markup {
    let f = &l.facts;
    html! {
        h2 { (ctx.t("letter-winners")) }
        ul { @for w in &f.winners { li { (w) } } }
        h2 { (ctx.t("letter-reasons")) }
        div.reasons { (f.reasons) }
    }
}

fn remedies(ctx: &Ctx, l: &Letter) -> Markup {
    let f = &l.facts;
    html! {
        h2 { (ctx.t("letter-standstill")) }
        p { (standstill_sentence(ctx, f.standstill_days, f.standstill_ends_at)) }
        h2 { (ctx.t("letter-remedies")) }
        p { (ctx.t_args("letter-remedies-body", &[("court", &f.court)])) }
    }
}

/// What the objective's page shows once its results are published: the stages reached since,
/// and the award as everyone sees it.
#[derive(Debug, Clone)]
pub struct AfterResults {
    pub objective_id: i64,
    pub stages: Vec<(Status, NaiveDateTime)>,
    pub award: Option<Award>,
    pub winner_names: Vec<String>,
    pub challenges: Vec<Challenge>,
    /// The signed contract with its modifications.
    pub contract: Option<crate::domain::award::contracts::Contract>,
    /// The contract's indicators with their validated reports (once signed).
    pub indicators: Vec<crate::domain::award::indicators::Indicator>,
    /// The change-support plan's public figures (once signed).
    pub support: Option<crate::domain::award::change_support::Summary>,
    /// The viewer is an agent: link to the award page.
    pub agent: bool,
}

pub fn public_section(ctx: &Ctx, p: &AfterResults) -> Markup {
    html! {
        @if p.agent {
            p.agent-actions { a.button.button-primary href=(format!("/objectives/{}/award", p.objective_id)) { (ctx.t("award-title")) } }
        }
        @if let Some(a) = &p.award {
            section aria-labelledby="award" {
                @if a.awarded {
                    h2 #award { (ctx.t("award-public-title")) }
                    dl.facts {
                        dt { (ctx.t("award-winners")) } dd { (p.winner_names.join(", ")) }
                        dt { (ctx.t("award-decided-at")) } dd { (paris(ctx.lang, a.decided_at)) }
                        dt { (ctx.t("award-standstill")) } dd { (standstill_sentence(ctx, a.standstill_days, a.standstill_ends_at)) }
                    }
                    h3 { (ctx.t("award-reasons")) }
                } @else {
                    h2 #award { (ctx.t("award-decision-not-awarded")) }
                }
                div.reasons { (a.reasons) }
                @if !p.challenges.is_empty() {
                    h3 { (ctx.t("challenges-title")) }
                    ul {
                        @for c in &p.challenges {
                            li {
                                (ctx.t_args("challenge-public", &[("date", &c.lodged_on.format("%d/%m/%Y").to_string())])) " — "
                                @match c.outcome { Some(o) => (ctx.t(&format!("challenge-outcome-{}", o.as_str()))), None => (ctx.t("challenge-pending")) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(c) = &p.contract {
            (super::contracts::public_section(ctx, c))
            @if p.agent {
                p.agent-actions { a.button href=(format!("/objectives/{}/indicators", p.objective_id)) { (ctx.t("indicator-manage-title")) } }
            }
            (super::indicators::public_section(ctx, p.objective_id, c.signed_on, &p.indicators))
            @if let Some(s) = &p.support {
                (super::change_support::public_section(ctx, p.objective_id, s, p.agent))
            }
        }
    }
}

/// The stages after the results, for the objective's public timeline.
pub fn stage_items(ctx: &Ctx, stages: &[(Status, NaiveDateTime)]) -> Markup {
    html! {
        @for (s, at) in stages {
            li { time datetime=(format!("{}Z", at.format("%Y-%m-%dT%H:%M:%S"))) { (paris(ctx.lang, *at)) } " — " (status_name(ctx, *s)) }
        }
    }
}
