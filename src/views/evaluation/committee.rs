//! The agent's committee page: the members, appointing and removing them, and the evaluation's
//! settings (blind mode, how scores combine) while they may still change.

use maud::{Markup, html};

use super::notice;
use crate::db::ids::UserId;
use crate::domain::evaluation::aggregate::Method;
use crate::domain::evaluation::board::Board;
use crate::domain::objectives::Status;
use crate::views::layout::{Ctx, csrf_field, page};

pub struct CommitteeRow {
    pub user: i64,
    pub name: String,
    pub email: String,
    pub chair: bool,
}

/// A member's declared conflict of interest, which only an agent lifts.
pub struct ConflictRow {
    pub user: i64,
    pub member: String,
    pub organisation: i64,
    pub organisation_name: String,
    pub note: String,
}

pub struct CommitteeView<'a> {
    pub objective: i64,
    pub title: &'a str,
    pub members: Vec<CommitteeRow>,
    /// (user id, name, email) of committee-role accounts not appointed yet.
    pub candidates: Vec<(i64, String, String)>,
    pub blind: bool,
    pub median: bool,
    /// Before the deadline, the settings may still change.
    pub settings_open: bool,
    pub can_appoint: bool,
    /// Declared conflicts of interest, until the committee decides.
    pub conflicts: Vec<ConflictRow>,
    pub notice: Option<String>,
}

pub fn committee(ctx: &Ctx, v: &CommitteeView<'_>) -> Markup {
    let heading = ctx.t("committee-title");
    page(
        ctx,
        &heading,
        html! {
            nav.breadcrumbs aria-label=(ctx.t("breadcrumbs")) {
                ol { li { a href="/objectives" { (ctx.t("objectives-title")) } } li { a href=(format!("/objectives/{}", v.objective)) { (v.title) } } li aria-current="page" { (heading) } }
            }
            h1 { (heading) }
            (notice(&v.notice))
            @if v.members.is_empty() { p.empty { (ctx.t("committee-none")) } }
            @else {
                div.table-wrap { table {
                    thead { tr { th scope="col" { (ctx.t("field-name")) } th scope="col" { (ctx.t("field-email")) } th scope="col" { (ctx.t("committee-role")) } th scope="col" { span.visually-hidden { (ctx.t("actions")) } } } }
                    tbody { @for m in &v.members { tr {
                        td { (m.name) } td { (m.email) }
                        td { @if m.chair { span.badge.badge-strong { (ctx.t("committee-chair")) } } @else { (ctx.t("committee-member")) } }
                        td { @if v.can_appoint {
                            form.inline-form method="post" action=(format!("/objectives/{}/committee/{}/remove", v.objective, m.user)) {
                                (csrf_field(ctx))
                                button.link-button type="submit" { (ctx.t("committee-remove")) span.visually-hidden { " " (m.name) } }
                            }
                            @if !m.chair {
                                " · "
                                form.inline-form method="post" action=(format!("/objectives/{}/committee", v.objective)) {
                                    (csrf_field(ctx))
                                    input type="hidden" name="user" value=(m.user);
                                    input type="hidden" name="chair" value="true";
                                    button.link-button type="submit" { (ctx.t("committee-make-chair")) span.visually-hidden { " " (m.name) } }
                                }
                            }
                        } }
                    } } }
                } }
            }
            @if v.can_appoint {
                form.form method="post" action=(format!("/objectives/{}/committee", v.objective)) {
                    (csrf_field(ctx))
                    h2 { (ctx.t("committee-appoint")) }
                    @if v.candidates.is_empty() { p.empty { (ctx.t("committee-no-candidates")) } }
                    @else {
                        div.field {
                            label for="user" { (ctx.t("committee-person")) }
                            select #user name="user" { @for (id, name, email) in &v.candidates { option value=(id) { (name) " <" (email) ">" } } }
                        }
                        div.field.field-check { input #chair type="checkbox" name="chair" value="true"; label for="chair" { (ctx.t("committee-as-chair")) } }
                        button.button.button-primary type="submit" { (ctx.t("committee-appoint-button")) }
                    }
                }
            }
            @if !v.conflicts.is_empty() {
                h2 { (ctx.t("committee-conflicts")) }
                p { (ctx.t("committee-conflicts-intro")) }
                @for c in &v.conflicts {
                    form.form method="post" action=(format!("/objectives/{}/committee/conflicts/lift", v.objective)) {
                        (csrf_field(ctx))
                        h3 { (c.member) " — " (c.organisation_name) }
                        p.muted { (c.note) }
                        input type="hidden" name="user" value=(c.user);
                        input type="hidden" name="organisation" value=(c.organisation);
                        @let id = format!("reason-{}-{}", c.user, c.organisation);
                        div.field {
                            label for=(id) { (ctx.t("committee-lift-reason")) }
                            textarea id=(id) name="reason" rows="2" maxlength="5000" required {}
                        }
                        button.button type="submit" { (ctx.t("committee-lift")) span.visually-hidden { " " (c.member) " — " (c.organisation_name) } }
                    }
                }
            }
            h2 { (ctx.t("evaluation-settings")) }
            @if v.settings_open {
                form.form method="post" action=(format!("/objectives/{}/committee/settings", v.objective)) {
                    (csrf_field(ctx))
                    div.field.field-check { input #blind type="checkbox" name="blind" value="true" checked[v.blind]; label for="blind" { (ctx.t("evaluation-blind")) } }
                    div.field {
                        label for="aggregation" { (ctx.t("evaluation-aggregation")) }
                        select #aggregation name="aggregation" {
                            option value="mean" selected[!v.median] { (ctx.t("aggregation-mean")) }
                            option value="median" selected[v.median] { (ctx.t("aggregation-median")) }
                        }
                    }
                    button.button type="submit" { (ctx.t("save")) }
                }
            } @else {
                p { @if v.blind { (ctx.t("evaluation-blind-on")) } @else { (ctx.t("evaluation-blind-off")) } " " (ctx.t(if v.median { "aggregation-median" } else { "aggregation-mean" })) }
            }
        },
    )
}

/// The committee page of `b`; `candidates` (id, name, e-mail) are the committee-role accounts, of
/// which those already appointed are left out; `status` is the objective's now.
pub fn committee_view<'a>(
    b: &'a Board,
    candidates: Vec<(UserId, String, String)>,
    status: Status,
    notice: Option<String>,
) -> CommitteeView<'a> {
    CommitteeView {
        objective: b.objective.id.0,
        title: &b.objective.title,
        members: b
            .members
            .iter()
            .map(|m| CommitteeRow { user: m.user_id.0, name: m.name.clone(), email: m.email.clone(), chair: m.chair })
            .collect(),
        candidates: candidates
            .into_iter()
            .filter(|(u, _, _)| b.member(*u).is_none())
            .map(|(u, n, e)| (u.0, n, e))
            .collect(),
        blind: b.objective.blind,
        median: b.method() == Method::Median,
        conflicts: if b.decision.is_some() {
            Vec::new()
        } else {
            let organisations = b.depositing_organisations();
            b.declarations
                .iter()
                .filter(|d| d.conflict)
                .filter_map(|d| {
                    let member = b.member(d.user)?;
                    let (_, name) = organisations.iter().find(|(o, _)| *o == d.organisation)?;
                    Some(ConflictRow {
                        user: d.user.0,
                        member: member.name.clone(),
                        organisation: d.organisation.0,
                        organisation_name: name.clone(),
                        note: d.note.clone(),
                    })
                })
                .collect()
        },
        settings_open: status == Status::Published,
        can_appoint: matches!(status, Status::Published | Status::Closed | Status::UnderEvaluation),
        notice,
    }
}
