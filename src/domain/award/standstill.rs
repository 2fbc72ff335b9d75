//! The standstill period after an award and the rule of when the contract may be signed.
//!
//! The period ends at the end of the day (23:59:59, Europe/Paris) that falls `days` calendar days
//! after the day of the award in Paris; with 0 days there is no standstill period and it ends at
//! the award itself. A challenge without an outcome suspends the signature whatever the date.

use chrono::{Duration, NaiveDateTime, NaiveTime, TimeZone, Utc};

use super::challenges::Challenge;

/// The default period, in days, offered on the award form.
pub const DEFAULT_DAYS: i32 = 11;
/// The longest period the form accepts.
pub const MAX_DAYS: i32 = 90;

/// When the standstill period of an award made at `awarded_at` (UTC) ends (UTC).
pub fn ends_at(awarded_at: NaiveDateTime, days: i32) -> NaiveDateTime {
    if days <= 0 {
        return awarded_at;
    }
    let paris = chrono_tz::Europe::Paris;
    let local_day = paris.from_utc_datetime(&awarded_at).date_naive() + Duration::days(i64::from(days));
    let end_of_day = local_day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
    // Late at night no clock change happens in Paris: the local time always exists once.
    paris.from_local_datetime(&end_of_day).latest().map(|t| t.with_timezone(&Utc).naive_utc()).unwrap_or(end_of_day)
}

/// Why the contract may not be signed yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The standstill period runs until then (UTC).
    Standstill { ends_at: NaiveDateTime },
    /// This many challenges have no recorded outcome.
    Challenged { open: usize },
}

/// Whether the contract of an award whose standstill ends at `standstill_ends_at` may be signed at
/// `now`, given the objective's challenges.
pub fn may_sign(
    standstill_ends_at: NaiveDateTime,
    challenges: &[Challenge],
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    let open = challenges.iter().filter(|c| c.outcome.is_none()).count();
    if open > 0 {
        return Err(Refusal::Challenged { open });
    }
    if now <= standstill_ends_at {
        return Err(Refusal::Standstill { ends_at: standstill_ends_at });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::challenges::Outcome;
    use super::*;
    use crate::db::ids::{ChallengeId, ObjectiveId, UserId};

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn challenge(outcome: Option<Outcome>) -> Challenge {
        Challenge {
            id: ChallengeId(1),
            objective: ObjectiveId(1),
            lodged_on: at("2027-03-02 00:00:00").date(),
            lodged_by: "Entreprise".into(),
            summary: "Recours".into(),
            recorded_by: UserId(1),
            recorded_at: at("2027-03-02 10:00:00"),
            outcome,
            outcome_note: None,
            outcome_at: None,
        }
    }

    #[test]
    fn the_period_ends_at_the_end_of_the_paris_day() {
        // Winter (UTC+1): awarded on 1 March at 23:30 UTC, which is already 2 March in Paris.
        assert_eq!(ends_at(at("2027-03-01 23:30:00"), 11), at("2027-03-13 22:59:59"));
        // Summer (UTC+2).
        assert_eq!(ends_at(at("2027-06-01 08:00:00"), 11), at("2027-06-12 21:59:59"));
        // Across the spring clock change: the end is in summer time.
        assert_eq!(ends_at(at("2027-03-20 10:00:00"), 11), at("2027-03-31 21:59:59"));
        // No standstill period.
        assert_eq!(ends_at(at("2027-03-01 10:00:00"), 0), at("2027-03-01 10:00:00"));
    }

    #[test]
    fn signing_waits_for_the_standstill_and_every_challenge() {
        let end = at("2027-03-12 22:59:59");
        assert_eq!(may_sign(end, &[], at("2027-03-12 22:59:59")), Err(Refusal::Standstill { ends_at: end }));
        assert_eq!(may_sign(end, &[], at("2027-03-12 23:00:00")), Ok(()));
        let open = [challenge(None), challenge(Some(Outcome::Rejected))];
        assert_eq!(may_sign(end, &open, at("2027-04-01 00:00:00")), Err(Refusal::Challenged { open: 1 }));
        let settled = [challenge(Some(Outcome::Withdrawn)), challenge(Some(Outcome::Rejected))];
        assert_eq!(may_sign(end, &settled, at("2027-04-01 00:00:00")), Ok(()));
        // A challenge decides even within the period.
        assert_eq!(may_sign(end, &open, at("2027-03-05 00:00:00")), Err(Refusal::Challenged { open: 1 }));
        // With no standstill period, signing is possible right after the award.
        let award = at("2027-03-01 10:00:00");
        assert_eq!(may_sign(ends_at(award, 0), &[], at("2027-03-01 10:00:01")), Ok(()));
    }
}
