//! The citizens' dashboard, "the region's purchases in figures" (docs/OPEN-DATA.md): public
//! figures computed by a handful of aggregate SQL queries (GROUP BY, COUNT, SUM), never by
//! loading the rows they count, so the page costs the same at scale L as at scale S.
//!
//! Every figure is about the objectives *published* in a year (the year of their publication,
//! Paris time), never drafts, cancelled objectives or the practice objective. An objective is
//! counted under its main theme (the first it lists), so the per-theme figures add up. Deposits
//! are only counted once an objective's deadline has passed (before it, even their number is
//! the agents'), and only the deposit that stands: the last one before the deadline, not a
//! withdrawal, not older than an essential amendment (the rule of `proposals::opening::outcome`).
//! The one exception to "never the rows": the indicators are read one row each (with their latest
//! validated value) to be judged against their trajectories in Rust; there are a few per contract.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::QueryResult;
use diesel::sql_types::{BigInt, Date, Double, Integer, Nullable, Text};
use serde::Serialize;

use crate::db::{Backend, DbConnection};
use crate::domain::network::DEPARTMENTS;

/// The first year the year filter accepts.
pub const FIRST_YEAR: i32 = 2000;

/// Why a year filter is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearError {
    /// Not a number.
    NotANumber,
    /// A number outside `FIRST_YEAR..=this year`.
    OutOfRange,
}

impl YearError {
    pub fn key(self) -> &'static str {
        match self {
            YearError::NotANumber => "figures-error-year-number",
            YearError::OutOfRange => "figures-error-year-range",
        }
    }
}

/// The year filter as typed: empty means every year; otherwise a year from [`FIRST_YEAR`] to
/// `this_year` (the current year, Paris time).
pub fn parse_year(raw: &str, this_year: i32) -> Result<Option<i32>, YearError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let year: i32 = raw.parse().map_err(|_| YearError::NotANumber)?;
    if (FIRST_YEAR..=this_year).contains(&year) { Ok(Some(year)) } else { Err(YearError::OutOfRange) }
}

/// The current year in Paris.
pub fn this_year(now: NaiveDateTime) -> i32 {
    use chrono::Datelike;
    crate::domain::network::today(now).year()
}

/// Counts of organisations with a property, out of a total.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Shares {
    /// Distinct organisations.
    pub total: i64,
    /// Micro, small and medium companies (as the organisations recorded their size).
    pub sme: i64,
    /// Social and solidarity economy structures.
    pub social_economy: i64,
    /// Based in one of the region's departments (a French postcode starting with its number).
    pub regional: i64,
}

/// Standing deposits on objectives whose deadline has passed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Proposals {
    /// Objectives whose deadline has passed.
    pub closed_objectives: i64,
    /// Standing deposits on them.
    pub deposits: i64,
    /// Of which from consortia.
    pub consortia: i64,
    /// How many closed objectives have each number of standing deposits, by number.
    pub distribution: Vec<Count>,
}

/// `objectives` closed objectives have `deposits` standing deposits each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Count {
    pub deposits: i64,
    pub objectives: i64,
}

impl Proposals {
    /// The average number of standing deposits per closed objective.
    pub fn average(&self) -> Option<f64> {
        (self.closed_objectives > 0).then(|| self.deposits as f64 / self.closed_objectives as f64)
    }
}

/// One theme's figures (the theme is the objective's main theme; `""` when it lists none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ThemeFigures {
    pub theme: String,
    /// Published objectives, by year of publication (JSON object keys are strings: `"2026"`).
    #[schema(value_type = BTreeMap<String, i64>)]
    pub objectives_by_year: BTreeMap<i32, i64>,
    /// Objectives whose criteria have weights.
    pub weighted_objectives: i64,
    /// The sum over them of the environmental criteria's share of the weights (0 to 1).
    pub environmental_share_sum: f64,
    /// Decisions (award or no award).
    pub decisions: i64,
    /// The sum over them of the days from publication to decision.
    pub decision_days_sum: f64,
    /// Signed contracts.
    pub contracts: i64,
    /// Their current amounts (after modifications), in cents.
    pub amount_cents: i64,
}

impl ThemeFigures {
    pub fn objectives(&self) -> i64 {
        self.objectives_by_year.values().sum()
    }
    pub fn environmental_average(&self) -> Option<f64> {
        (self.weighted_objectives > 0).then(|| self.environmental_share_sum / self.weighted_objectives as f64)
    }
    pub fn decision_days_average(&self) -> Option<f64> {
        (self.decisions > 0).then(|| self.decision_days_sum / self.decisions as f64)
    }
}

/// One kind of change-support action across the contracts: planned, delivered, and what the
/// users of the purchase said of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SupportFigures {
    /// `training`, `advice`, `awareness`, `recommendation` or `coaching`.
    pub kind: String,
    /// Actions in the contracts' plans.
    pub planned: i64,
    /// Of which delivered.
    pub delivered: i64,
    /// People who took part in the delivered ones, as their holders recorded.
    pub participants: i64,
    /// Ratings given by users of the purchase who attended (1 to 5).
    pub ratings: i64,
    /// Their sum.
    pub rating_sum: i64,
}

impl SupportFigures {
    /// The average rating, from 1 to 5.
    pub fn average_rating(&self) -> Option<f64> {
        (self.ratings > 0).then(|| self.rating_sum as f64 / self.ratings as f64)
    }
}

/// The contracts' indicators against their trajectories (`domain::award::indicators::track`:
/// the latest validated value against the straight line from the baseline to the next target).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndicatorFigures {
    pub on_track: i64,
    pub behind: i64,
    /// No value validated yet.
    pub not_reported: i64,
}

/// Everything the dashboard shows, for one year or for every year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    /// The year filter; none for every year.
    pub year: Option<i32>,
    /// The years with published objectives, oldest first.
    pub years: Vec<i32>,
    /// By theme code, in the themes' order; themes with nothing are left out.
    pub themes: Vec<ThemeFigures>,
    pub proposals: Proposals,
    /// Organisations with a standing deposit (a consortium counts by its lead).
    pub depositors: Shares,
    /// Organisations whose proposal was awarded (a consortium counts by its lead).
    pub winners: Shares,
    /// Change-support actions by kind, every kind listed.
    pub support: Vec<SupportFigures>,
    pub indicators: IndicatorFigures,
}

impl Dashboard {
    /// Every theme's figures summed.
    pub fn all_themes(&self) -> ThemeFigures {
        let mut all = ThemeFigures::default();
        for t in &self.themes {
            for (y, n) in &t.objectives_by_year {
                *all.objectives_by_year.entry(*y).or_default() += n;
            }
            all.weighted_objectives += t.weighted_objectives;
            all.environmental_share_sum += t.environmental_share_sum;
            all.decisions += t.decisions;
            all.decision_days_sum += t.decision_days_sum;
            all.contracts += t.contracts;
            all.amount_cents += t.amount_cents;
        }
        all
    }

    /// Every kind of change-support action summed (`kind` left empty).
    pub fn all_support(&self) -> SupportFigures {
        let mut all = SupportFigures::default();
        for k in &self.support {
            all.planned += k.planned;
            all.delivered += k.delivered;
            all.participants += k.participants;
            all.ratings += k.ratings;
            all.rating_sum += k.rating_sum;
        }
        all
    }
}

#[derive(diesel::QueryableByName)]
struct ThemeYear {
    #[diesel(sql_type = BigInt)]
    year: i64,
    #[diesel(sql_type = Text)]
    themes: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct ThemeSum {
    #[diesel(sql_type = Text)]
    themes: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Double)]
    s: f64,
}

#[derive(diesel::QueryableByName)]
struct ThemeCents {
    #[diesel(sql_type = Text)]
    themes: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    s: i64,
}

#[derive(diesel::QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    a: i64,
}

#[derive(diesel::QueryableByName)]
struct Triple {
    #[diesel(sql_type = BigInt)]
    a: i64,
    #[diesel(sql_type = BigInt)]
    b: i64,
    #[diesel(sql_type = BigInt)]
    c: i64,
}

#[derive(diesel::QueryableByName)]
struct SharesRow {
    #[diesel(sql_type = BigInt)]
    total: i64,
    #[diesel(sql_type = BigInt)]
    sme: i64,
    #[diesel(sql_type = BigInt)]
    social_economy: i64,
    #[diesel(sql_type = BigInt)]
    regional: i64,
}

#[derive(diesel::QueryableByName)]
struct KindRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    a: i64,
    #[diesel(sql_type = BigInt)]
    b: i64,
    #[diesel(sql_type = BigInt)]
    c: i64,
}

#[derive(diesel::QueryableByName)]
struct IndicatorRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    baseline: f64,
    #[diesel(sql_type = Text)]
    targets: String,
    #[diesel(sql_type = Integer)]
    months: i32,
    #[diesel(sql_type = Date)]
    signed_on: NaiveDate,
    #[diesel(sql_type = Nullable<Integer>)]
    period: Option<i32>,
    #[diesel(sql_type = Nullable<Double>)]
    value: Option<f64>,
}

fn load<T>(conn: &mut DbConnection, sql: &str) -> QueryResult<Vec<T>>
where
    T: diesel::QueryableByName<diesel::sqlite::Sqlite> + diesel::QueryableByName<diesel::pg::Pg> + 'static,
{
    use diesel::RunQueryDsl;
    match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(sql).load(c),
        DbConnection::Pg(c) => diesel::sql_query(sql).load(c),
    }
}

/// The year of a timestamp column in Paris. At the turn of a year Paris is always at UTC+1, so
/// one hour added gives the Paris year exactly.
fn year_of(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => format!("CAST(strftime('%Y', {column}, '+1 hour') AS BIGINT)"),
        Backend::Postgres => format!("CAST(EXTRACT(YEAR FROM {column} + INTERVAL '1 hour') AS BIGINT)"),
    }
}

/// Days from `from` to `to`, as a floating number.
fn days_between(backend: Backend, from: &str, to: &str) -> String {
    match backend {
        Backend::Sqlite => format!("(julianday({to}) - julianday({from}))"),
        Backend::Postgres => format!("CAST(EXTRACT(EPOCH FROM ({to} - {from})) / 86400.0 AS DOUBLE PRECISION)"),
    }
}

/// The main theme of an objective's stored theme list (JSON).
fn main_theme(themes: &str) -> String {
    serde_json::from_str::<Vec<String>>(themes).ok().and_then(|t| t.into_iter().next()).unwrap_or_default()
}

#[derive(diesel::QueryableByName)]
struct YearRow {
    #[diesel(sql_type = BigInt)]
    year: i64,
}

/// The years with published objectives, oldest first (the year filter's choices).
pub fn years(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    let year_expr = year_of(conn.backend(), "o.published_at");
    let rows: Vec<YearRow> =
        load(conn, &format!("SELECT DISTINCT {year_expr} AS year FROM objectives o WHERE {PUBLIC} ORDER BY 1"))?;
    Ok(rows.into_iter().map(|r| r.year as i32).collect())
}

/// The objectives the public sees.
const PUBLIC: &str =
    "o.published_at IS NOT NULL AND NOT o.practice AND o.status <> 'draft' AND o.status <> 'cancelled'";

/// Computes the dashboard for `year` (or every year) at `now`.
pub fn compute(conn: &mut DbConnection, year: Option<i32>, now: NaiveDateTime) -> QueryResult<Dashboard> {
    let backend = conn.backend();
    let year_expr = year_of(backend, "o.published_at");
    // The objectives the public sees; the year only comes from our own parsed integer.
    let public_all = PUBLIC;
    let public = match year {
        Some(y) => format!("{public_all} AND {year_expr} = {y}"),
        None => public_all.to_owned(),
    };
    // `now` is formatted by us, never typed by anyone.
    let now_sql = now.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    let closed = format!("o.deadline_at IS NOT NULL AND o.deadline_at <= '{now_sql}'");
    let standing = format!(
        "deposits d JOIN objectives o ON o.id = d.objective_id \
         WHERE {public} AND {closed} AND d.kind <> 'withdrawal' AND NOT d.late \
         AND NOT EXISTS (SELECT 1 FROM deposits d2 WHERE d2.proposal_id = d.proposal_id AND NOT d2.late \
           AND (d2.deposited_at > d.deposited_at OR (d2.deposited_at = d.deposited_at AND d2.id > d.id))) \
         AND NOT EXISTS (SELECT 1 FROM amendments a WHERE a.objective_id = d.objective_id AND a.essential \
           AND a.occurred_at >= d.deposited_at)"
    );

    let mut themes: BTreeMap<String, ThemeFigures> = BTreeMap::new();
    let mut years: Vec<i32> = Vec::new();
    let by_year: Vec<ThemeYear> = load(
        conn,
        &format!(
            "SELECT {year_expr} AS year, o.themes AS themes, COUNT(*) AS n FROM objectives o WHERE {public_all} GROUP BY 1, 2"
        ),
    )?;
    for r in by_year {
        let y = r.year as i32;
        if !years.contains(&y) {
            years.push(y);
        }
        if year.is_none_or(|f| f == y) {
            *themes.entry(main_theme(&r.themes)).or_default().objectives_by_year.entry(y).or_default() += r.n;
        }
    }
    years.sort_unstable();

    let env: Vec<ThemeSum> = load(
        conn,
        &format!(
            "SELECT o.themes AS themes, COUNT(*) AS n, CAST(SUM(CAST(x.env AS DOUBLE PRECISION) / x.total) AS DOUBLE PRECISION) AS s \
             FROM (SELECT oc.objective_id AS oid, SUM(CASE WHEN c.category = 'environmental' THEN oc.weight ELSE 0 END) AS env, \
                     SUM(oc.weight) AS total \
                   FROM objective_criteria oc JOIN criteria c ON c.id = oc.criterion_id GROUP BY oc.objective_id) x \
             JOIN objectives o ON o.id = x.oid WHERE {public} AND x.total > 0 GROUP BY o.themes"
        ),
    )?;
    for r in env {
        let t = themes.entry(main_theme(&r.themes)).or_default();
        t.weighted_objectives += r.n;
        t.environmental_share_sum += r.s;
    }

    let days = days_between(backend, "o.published_at", "aw.decided_at");
    let decisions: Vec<ThemeSum> = load(
        conn,
        &format!(
            "SELECT o.themes AS themes, COUNT(*) AS n, CAST(SUM({days}) AS DOUBLE PRECISION) AS s \
             FROM awards aw JOIN objectives o ON o.id = aw.objective_id WHERE {public} GROUP BY o.themes"
        ),
    )?;
    for r in decisions {
        let t = themes.entry(main_theme(&r.themes)).or_default();
        t.decisions += r.n;
        t.decision_days_sum += r.s;
    }

    let amounts: Vec<ThemeCents> = load(
        conn,
        &format!(
            "SELECT o.themes AS themes, COUNT(*) AS n, CAST(SUM(x.amount) AS BIGINT) AS s \
             FROM (SELECT c.objective_id AS oid, COALESCE((SELECT m.amount_cents FROM contract_modifications m \
                     WHERE m.objective_id = c.objective_id AND m.amount_cents IS NOT NULL ORDER BY m.number DESC LIMIT 1), \
                     c.amount_cents) AS amount FROM contracts c) x \
             JOIN objectives o ON o.id = x.oid WHERE {public} GROUP BY o.themes"
        ),
    )?;
    for r in amounts {
        let t = themes.entry(main_theme(&r.themes)).or_default();
        t.contracts += r.n;
        t.amount_cents += r.s;
    }

    let closed_objectives: Vec<Total> =
        load(conn, &format!("SELECT COUNT(*) AS a FROM objectives o WHERE {public} AND {closed}"))?;
    // One pass over the standing deposits gives the distribution and the consortia.
    let with_proposal =
        standing.replacen("deposits d JOIN", "deposits d JOIN proposals p ON p.id = d.proposal_id JOIN", 1);
    let distribution: Vec<Triple> = load(
        conn,
        &format!(
            "SELECT x.n AS a, COUNT(*) AS b, CAST(SUM(x.c) AS BIGINT) AS c \
             FROM (SELECT d.objective_id AS oid, COUNT(*) AS n, \
                     SUM(CASE WHEN p.consortium_type IS NOT NULL THEN 1 ELSE 0 END) AS c \
                   FROM {with_proposal} GROUP BY d.objective_id) x GROUP BY x.n ORDER BY x.n"
        ),
    )?;
    let deposits: i64 = distribution.iter().map(|r| r.a * r.b).sum();
    let consortia: i64 = distribution.iter().map(|r| r.c).sum();
    let closed_n = closed_objectives.first().map(|r| r.a).unwrap_or_default();
    let mut distribution: Vec<Count> =
        distribution.into_iter().map(|r| Count { deposits: r.a, objectives: r.b }).collect();
    let with_deposits: i64 = distribution.iter().map(|c| c.objectives).sum();
    if closed_n > with_deposits {
        distribution.insert(0, Count { deposits: 0, objectives: closed_n - with_deposits });
    }

    let regional: Vec<String> = DEPARTMENTS.iter().map(|(c, _)| format!("'{c}'")).collect();
    let shares_of = |members: &str| {
        format!(
            "SELECT COUNT(*) AS total, \
               CAST(COALESCE(SUM(CASE WHEN g.size IN ('micro', 'sme') THEN 1 ELSE 0 END), 0) AS BIGINT) AS sme, \
               CAST(COALESCE(SUM(CASE WHEN g.social_economy THEN 1 ELSE 0 END), 0) AS BIGINT) AS social_economy, \
               CAST(COALESCE(SUM(CASE WHEN g.country = 'FR' AND substr(g.postcode, 1, 2) IN ({}) THEN 1 ELSE 0 END), 0) AS BIGINT) AS regional \
             FROM organisations g WHERE g.id IN ({members})",
            regional.join(", ")
        )
    };
    let depositors: Vec<SharesRow> = load(conn, &shares_of(&format!("SELECT d.organisation_id FROM {standing}")))?;
    let winners: Vec<SharesRow> = load(
        conn,
        &shares_of(&format!(
            "SELECT p.organisation_id FROM award_winners w JOIN proposals p ON p.id = w.proposal_id \
             JOIN awards aw ON aw.objective_id = w.objective_id JOIN objectives o ON o.id = w.objective_id \
             WHERE aw.outcome = 'awarded' AND {public}"
        )),
    )?;
    let shares = |r: Option<&SharesRow>| {
        r.map(|r| Shares { total: r.total, sme: r.sme, social_economy: r.social_economy, regional: r.regional })
            .unwrap_or_default()
    };

    let support = support_of(conn, &public)?;
    let indicators = indicators_of(conn, &public)?;

    // The themes in their catalogue's order, then any unknown code, then none.
    let order = |code: &str| {
        crate::domain::themes::THEMES.iter().position(|(c, _, _)| *c == code).unwrap_or(if code.is_empty() {
            usize::MAX
        } else {
            usize::MAX - 1
        })
    };
    let mut themes: Vec<ThemeFigures> = themes
        .into_iter()
        .map(|(code, mut t)| {
            t.theme = code;
            t
        })
        .collect();
    themes.sort_by_key(|t| (order(&t.theme), t.theme.clone()));

    Ok(Dashboard {
        year,
        years,
        themes,
        proposals: Proposals { closed_objectives: closed_n, deposits, consortia, distribution },
        depositors: shares(depositors.first()),
        winners: shares(winners.first()),
        support,
        indicators,
    })
}

/// The change-support actions of the contracts of the objectives `public` selects, by kind.
fn support_of(conn: &mut DbConnection, public: &str) -> QueryResult<Vec<SupportFigures>> {
    let actions: Vec<KindRow> = load(
        conn,
        &format!(
            "SELECT a.kind AS kind, COUNT(*) AS a, COUNT(dl.action_id) AS b, \
               CAST(COALESCE(SUM(dl.participants), 0) AS BIGINT) AS c \
             FROM support_actions a JOIN objectives o ON o.id = a.objective_id \
             LEFT JOIN support_deliveries dl ON dl.action_id = a.id WHERE {public} GROUP BY a.kind"
        ),
    )?;
    let ratings: Vec<KindRow> = load(
        conn,
        &format!(
            "SELECT a.kind AS kind, COUNT(*) AS a, CAST(SUM(r.rating) AS BIGINT) AS b, CAST(0 AS BIGINT) AS c \
             FROM support_ratings r JOIN support_actions a ON a.id = r.action_id \
             JOIN objectives o ON o.id = a.objective_id WHERE {public} GROUP BY a.kind"
        ),
    )?;
    Ok(crate::domain::award::change_support::Kind::ALL
        .iter()
        .map(|k| {
            let kind = k.as_str();
            let mut f = SupportFigures { kind: kind.to_owned(), ..SupportFigures::default() };
            if let Some(r) = actions.iter().find(|r| r.kind == kind) {
                (f.planned, f.delivered, f.participants) = (r.a, r.b, r.c);
            }
            if let Some(r) = ratings.iter().find(|r| r.kind == kind) {
                (f.ratings, f.rating_sum) = (r.a, r.b);
            }
            f
        })
        .collect())
}

/// The indicators of the contracts of the objectives `public` selects, each judged on its latest
/// validated value.
fn indicators_of(conn: &mut DbConnection, public: &str) -> QueryResult<IndicatorFigures> {
    use crate::domain::award::indicators::{Target, Track, period, track};
    let rows: Vec<IndicatorRow> = load(
        conn,
        &format!(
            "SELECT i.id AS id, i.baseline AS baseline, i.targets AS targets, i.period_months AS months, \
               c.signed_on AS signed_on, r.period AS period, r.value AS value \
             FROM indicators i JOIN contracts c ON c.objective_id = i.objective_id \
             JOIN objectives o ON o.id = i.objective_id \
             LEFT JOIN indicator_reports r ON r.indicator_id = i.id AND r.state = 'validated' \
               AND r.period = (SELECT MAX(r2.period) FROM indicator_reports r2 \
                               WHERE r2.indicator_id = i.id AND r2.state = 'validated') \
             WHERE {public} ORDER BY i.id, r.id DESC"
        ),
    )?;
    let mut figures = IndicatorFigures::default();
    let mut last = None;
    for r in rows {
        if last == Some(r.id) {
            continue;
        }
        last = Some(r.id);
        let targets: Vec<Target> = serde_json::from_str(&r.targets).unwrap_or_default();
        let latest = r.period.zip(r.value).map(|(n, v)| (period(r.signed_on, r.months, n).ends, v));
        match track(r.baseline, &targets, r.signed_on, latest) {
            Track::OnTrack => figures.on_track += 1,
            Track::Behind => figures.behind += 1,
            Track::NotReported => figures.not_reported += 1,
        }
    }
    Ok(figures)
}

/// The audit log's last entry: it moves with every write that changes a figure.
pub fn audit_head(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    use diesel::prelude::*;
    crate::db::schema::audit_log::table.select(diesel::dsl::max(crate::db::schema::audit_log::id)).first(conn)
}

/// The next moment the figures change with no write: a published objective's deadline (its
/// deposits count from then on).
pub fn next_deadline(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<Option<NaiveDateTime>> {
    use crate::db::schema::objectives;
    use diesel::prelude::*;
    objectives::table
        .filter(objectives::deadline_at.gt(now))
        .select(diesel::dsl::min(objectives::deadline_at))
        .first::<Option<NaiveDateTime>>(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_checked() {
        assert_eq!(parse_year("", 2026), Ok(None));
        assert_eq!(parse_year(" 2025 ", 2026), Ok(Some(2025)));
        assert_eq!(parse_year("2026", 2026), Ok(Some(2026)));
        assert_eq!(parse_year("2027", 2026), Err(YearError::OutOfRange));
        assert_eq!(parse_year("1999", 2026), Err(YearError::OutOfRange));
        assert_eq!(parse_year("20x6", 2026), Err(YearError::NotANumber));
        assert_eq!(parse_year("99999999999", 2026), Err(YearError::NotANumber));
    }

    #[test]
    fn the_main_theme_is_the_first() {
        assert_eq!(main_theme("[\"energie\",\"mobilite\"]"), "energie");
        assert_eq!(main_theme("[]"), "");
        assert_eq!(main_theme("not json"), "");
    }
}
