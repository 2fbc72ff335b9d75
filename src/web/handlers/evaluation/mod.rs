//! Evaluation pages: the agent appoints the committee and publishes the results; members declare
//! conflicts and score; the chair follows progress, settles disagreements, adjusts the shortlist
//! and records the decision. Each handler loads the objective's board and checks the viewer's
//! place on the committee through `web::operations::evaluation` (shared with the API), and
//! renders a view built from the board by `views::evaluation`.

mod chair;
mod committee;
mod member;
mod report;

pub use chair::{
    ConsensusForm, DecisionForm, PublishForm, ShortlistForm, change_shortlist, consensus, decide, decision_page,
    progress, publish_page, publish_results, ranking, release, release_page, reopen,
};
pub use committee::{
    AppointForm, LiftForm, SettingsForm, appoint, committee_page, lift_conflict, remove_member, settings,
};
pub use member::{declare, my_evaluations, save_scores, score_page, workspace};
pub use report::{report, report_csv, scores_csv};
