//! The lifecycle: the statuses an objective goes through and the checked state machine between
//! them. "Closed" is never stored: a published objective whose deadline has passed *is* closed
//! (`Status::effective`), so no job is needed.

use chrono::NaiveDateTime;

/// Where an objective stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Draft,
    Published,
    Closed,
    UnderEvaluation,
    ResultsPublished,
    /// Winners chosen, letters sent; the standstill period runs (`domain::award`).
    Awarded,
    /// Declared not awarded, with a public reason.
    NotAwarded,
    /// The contract is signed (step 2 of issue 17 records it).
    InExecution,
    Completed,
    Archived,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Draft,
        Status::Published,
        Status::Closed,
        Status::UnderEvaluation,
        Status::ResultsPublished,
        Status::Awarded,
        Status::NotAwarded,
        Status::InExecution,
        Status::Completed,
        Status::Archived,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Closed => "closed",
            Status::UnderEvaluation => "under_evaluation",
            Status::ResultsPublished => "results_published",
            Status::Awarded => "awarded",
            Status::NotAwarded => "not_awarded",
            Status::InExecution => "in_execution",
            Status::Completed => "completed",
            Status::Archived => "archived",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The status as users see it: published and past its deadline is closed.
    pub fn effective(stored: &str, deadline: Option<NaiveDateTime>, now: NaiveDateTime) -> Status {
        match Status::parse(stored) {
            Some(Status::Published) if deadline.is_some_and(|d| now >= d) => Status::Closed,
            Some(s) => s,
            None => Status::Draft,
        }
    }
}

/// What an agent (or, later, the committee) asks of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Publish,
    Cancel,
    StartEvaluation,
    PublishResults,
    Award,
    /// With a public reason.
    DeclareNotAwarded,
    /// Refused during the standstill or an open challenge (`award::standstill::may_sign`).
    Sign,
    Complete,
    Archive,
}

impl Transition {
    pub const ALL: [Transition; 9] = [
        Transition::Publish,
        Transition::Cancel,
        Transition::StartEvaluation,
        Transition::PublishResults,
        Transition::Award,
        Transition::DeclareNotAwarded,
        Transition::Sign,
        Transition::Complete,
        Transition::Archive,
    ];
}

/// The checked state machine.
pub fn next(current: Status, transition: Transition) -> Option<Status> {
    use Status::*;
    use Transition::*;
    match (current, transition) {
        (Draft, Publish) => Some(Published),
        (Published, Cancel) => Some(Cancelled),
        (Closed, StartEvaluation) => Some(UnderEvaluation),
        (UnderEvaluation, PublishResults) => Some(ResultsPublished),
        (ResultsPublished, Award) => Some(Awarded),
        (ResultsPublished, DeclareNotAwarded) => Some(NotAwarded),
        (Awarded, Sign) => Some(InExecution),
        (InExecution, Complete) => Some(Completed),
        (Completed | NotAwarded, Archive) => Some(Archived),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_published_objective_is_closed_once_its_deadline_passes() {
        let deadline = Some(at("2027-03-01 11:00"));
        assert_eq!(Status::effective("published", deadline, at("2027-03-01 10:59")), Status::Published);
        assert_eq!(Status::effective("published", deadline, at("2027-03-01 11:00")), Status::Closed);
        assert_eq!(Status::effective("cancelled", deadline, at("2027-04-01 00:00")), Status::Cancelled);
    }

    #[test]
    fn the_state_machine_allows_only_its_transitions() {
        use Status::*;
        use Transition::*;
        let allowed = [
            (Draft, Publish, Published),
            (Published, Cancel, Cancelled),
            (Closed, StartEvaluation, UnderEvaluation),
            (UnderEvaluation, PublishResults, ResultsPublished),
            (ResultsPublished, Award, Awarded),
            (ResultsPublished, DeclareNotAwarded, NotAwarded),
            (Awarded, Sign, InExecution),
            (InExecution, Complete, Completed),
            (Completed, Archive, Archived),
            (NotAwarded, Archive, Archived),
        ];
        for from in Status::ALL {
            for t in Transition::ALL {
                let expected = allowed.iter().find(|(f, tr, _)| *f == from && *tr == t).map(|(_, _, to)| *to);
                assert_eq!(next(from, t), expected, "{from:?} --{t:?}-->");
            }
        }
    }
}
