//! Every permission decision, as one pure function of (actor, action on a resource) and the
//! actor's state. Handlers ask [`decide`]; nothing else decides. A case no rule grants is denied.

use crate::db::ids::{OrganisationId, UserId};
use crate::domain::proposals::Relation;
use crate::domain::users::Role;

/// A signed-in user as the rules see them, loaded fresh on every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub roles: Vec<Role>,
    pub organisation: Option<OrganisationId>,
    pub owns_organisation: bool,
    pub verified: bool,
    pub disabled: bool,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    fn is_member_of(&self, org: OrganisationId) -> bool {
        self.organisation == Some(org)
    }
    fn is_owner_of(&self, org: OrganisationId) -> bool {
        self.is_member_of(org) && self.owns_organisation
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    User(Principal),
}

/// Everything someone may try to do. Later issues add their actions here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Register,
    SignIn,
    ViewOwnAccount,
    UpdateOwnProfile,
    ChangeOwnPassword,
    ManageOwnSessions,
    ResendVerification,
    /// Download everything the platform holds about oneself (GDPR articles 15 and 20).
    ExportOwnData,
    /// Erase one's own account (article 17); what stands in the way is the domain's to say.
    EraseOwnAccount,
    ManageOwnTokens,
    ViewOrganisation(OrganisationId),
    InviteMember(OrganisationId),
    RemoveMember(OrganisationId),
    TransferOwnership(OrganisationId),
    ListUsers,
    InviteStaff,
    ChangeRoles,
    DisableUser,
    ReadAuditLog,
    /// See drafts, in lists and on their own page.
    ViewDraftObjectives,
    CreateObjective,
    /// Edit a draft, or amend a published objective.
    EditObjective,
    PublishObjective,
    CancelObjective,
    DeleteDraftObjective,
    ManageCriteria,
    /// Ask a public question on an open objective (suppliers).
    AskQuestion,
    /// Answer questions, or publish a question with its answer (agents).
    AnswerQuestions,
    /// Follow themes and objectives by e-mail.
    Follow,
    /// Start a proposal for one's organisation (suppliers).
    StartProposal,
    /// Read a proposal, its attachments and receipts: its organisation and consortium members
    /// always; agents only once it was opened after the deadline.
    ReadProposal {
        relation: Relation,
        opened: bool,
    },
    /// Write, attach, deposit, withdraw, reconfirm, manage the consortium: the lead only.
    WriteProposal(Relation),
    /// See a consortium invitation (who leads, for which objective, in which role), not the
    /// proposal: the invited organisation's users, and those the proposal is readable by.
    SeeInvitation(Relation),
    /// Confirm or decline a consortium invitation: the invited organisation's owner.
    AnswerConsortium(OrganisationId),
    /// See how many proposals were deposited, and open them after the deadline (agents).
    OpenProposals,
    /// Check a receipt's number and hash (everyone).
    VerifyReceipt,
    /// Appoint an objective's committee and choose its evaluation settings (agents).
    ManageCommittee,
    /// Declare conflicts, read opened proposals, score: the objective's committee members.
    SitOnCommittee {
        member: bool,
    },
    /// Reopen evaluations, settle by consensus, adjust the shortlist, decide: the chair.
    ChairCommittee {
        chair: bool,
    },
    /// Publish an objective's decided results (agents).
    PublishResults,
    /// Award an objective or declare it not awarded, record challenges and their outcomes, record
    /// the signed contract and its modifications, move it to its later stages, read every letter
    /// of the award (agents).
    Award,
    /// Read the organisation's letters (the first reading is the acknowledgement of receipt):
    /// its verified members.
    ReadLetters(OrganisationId),
    /// Set a signed contract's indicators, validate or send back the holder's reports (agents).
    ManageIndicators,
    /// Report an indicator's value: verified members of an organisation holding the contract.
    ReportIndicator {
        holder: bool,
    },
    /// Plan a contract's change support, invite its users of the purchase, read the ratings with
    /// their authors (agents).
    PlanChangeSupport,
    /// Record a change-support action delivered, read the ratings without their authors:
    /// verified members of an organisation holding the contract.
    RecordSupport {
        holder: bool,
    },
    /// Confirm attending a delivered change-support action and rate it: the contract's users of
    /// the purchase (an account an agent invited onto this one contract), and nobody else.
    RateSupport {
        user_of_purchase: bool,
    },
    /// Edit the organisation's directory profile and credentials, list or withdraw it: its
    /// verified members.
    EditProfile(OrganisationId),
    /// Download everything the platform holds about the organisation: its verified members.
    ExportOrganisation(OrganisationId),
    /// Keep the credentials catalogue (administrators).
    ManageCredentials,
    /// Say one's organisation looks for partners on an open objective: verified supplier users.
    SeekPartners,
    /// Write to another organisation, read one's organisation's messages, report a message
    /// received: verified supplier users.
    SendMessages,
    /// Read abuse reports, suspend or restore an organisation's messaging (administrators).
    ModerateMessages,
    /// Submit a good practice for one's organisation: verified supplier users.
    SubmitPractice,
    /// Read submitted practices, publish or refuse them, feature them (agents).
    ReviewPractices,
    /// Read a consultation, its questions, public contributions, meetings, minutes and synthesis
    /// (everyone, signed in or not).
    ReadConsultation,
    /// Put a draft in consultation, schedule meetings, publish minutes and the synthesis, open
    /// the call, see registrations and every contribution (agents).
    ManageConsultation,
    /// Contribute to a consultation and register to its meetings: verified registered users,
    /// with or without an organisation, but not the region's own staff (agents, administrators).
    TakePartInConsultation,
    /// Read a confidential contribution (business secrets): agents, and the contributor's own
    /// organisation (`own`: the reader wrote it or belongs to its organisation). Nobody else:
    /// neither other suppliers nor committee members nor administrators.
    ReadConfidentialContribution {
        own: bool,
    },
}

/// Why an action is refused; the web layer turns it into 401, 403 or a sign-in redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deny {
    NotSignedIn,
    /// Signed in, but the e-mail address is not verified yet.
    Unverified,
    NotAllowed,
}

pub type Decision = Result<(), Deny>;

/// Separation of duties: neither agents nor administrators sit on a committee.
fn may_sit(user: &Principal) -> bool {
    !user.has(Role::Agent) && !user.has(Role::Admin)
}

pub fn decide(actor: &Actor, action: Action) -> Decision {
    use Action::*;
    let user = match actor {
        Actor::Anonymous => {
            return match action {
                Register | SignIn | VerifyReceipt | ReadConsultation => Ok(()),
                _ => Err(Deny::NotSignedIn),
            };
        }
        Actor::User(p) if p.disabled => return Err(Deny::NotAllowed),
        Actor::User(p) => p,
    };
    let verified = |granted: bool| match (granted, user.verified) {
        (false, _) => Err(Deny::NotAllowed),
        (true, false) => Err(Deny::Unverified),
        (true, true) => Ok(()),
    };
    let allow = |granted: bool| if granted { Ok(()) } else { Err(Deny::NotAllowed) };
    match action {
        // Someone signed in neither registers another organisation nor signs in again.
        Register | SignIn => Err(Deny::NotAllowed),
        // Their own account, even before verification.
        ViewOwnAccount | UpdateOwnProfile | ChangeOwnPassword | ManageOwnSessions | ResendVerification => Ok(()),
        // One's own data, verified or not: the rights do not wait for a verification.
        ExportOwnData | EraseOwnAccount => Ok(()),
        // Tokens act on data: verified users only.
        ManageOwnTokens => verified(true),
        ViewOrganisation(org) => allow(user.is_member_of(org) || user.has(Role::Admin)),
        InviteMember(org) | RemoveMember(org) | TransferOwnership(org) => verified(user.is_owner_of(org)),
        EditProfile(org) | ExportOrganisation(org) => verified(user.is_member_of(org)),
        SeekPartners | SendMessages | SubmitPractice => verified(user.organisation.is_some()),
        ReviewPractices => verified(user.has(Role::Agent)),
        ListUsers | InviteStaff | ChangeRoles | DisableUser | ReadAuditLog | ManageCriteria | ManageCredentials
        | ModerateMessages => verified(user.has(Role::Admin)),
        AskQuestion => verified(user.organisation.is_some()),
        AnswerQuestions => verified(user.has(Role::Agent)),
        Follow => verified(true),
        VerifyReceipt => Ok(()),
        StartProposal => verified(user.organisation.is_some()),
        // Sealing: before the opening nobody outside the depositing organisation and its
        // consortium reads anything; after it, agents read the opened deposit.
        // An invited consortium member reads nothing of it until its organisation confirms.
        ReadProposal { relation, opened } => verified(match relation {
            Relation::Lead | Relation::Member => true,
            Relation::Invited => false,
            Relation::Outsider => opened && user.has(Role::Agent),
        }),
        WriteProposal(relation) => verified(relation == Relation::Lead),
        SeeInvitation(relation) => verified(relation != Relation::Outsider),
        AnswerConsortium(org) => verified(user.is_owner_of(org)),
        OpenProposals | ManageCommittee | PublishResults | Award => verified(user.has(Role::Agent)),
        ReadLetters(org) => verified(user.is_member_of(org)),
        ManageIndicators => verified(user.has(Role::Agent)),
        ReportIndicator { holder } => verified(holder && user.organisation.is_some()),
        PlanChangeSupport => verified(user.has(Role::Agent)),
        RecordSupport { holder } => verified(holder && user.organisation.is_some()),
        RateSupport { user_of_purchase } => verified(user_of_purchase),
        // Sitting on a committee needs the role and the appointment; agents and administrators
        // see nothing of the scores unless appointed. Separation of duties, checked here on every
        // access and not only at appointment (roles may be granted later): an agent (who opens
        // and publishes) or an administrator (who reads the audit log, which maps proposals to
        // their depositors) never sits, even if appointed.
        SitOnCommittee { member } => verified(member && user.has(Role::Committee) && may_sit(user)),
        ChairCommittee { chair } => verified(chair && user.has(Role::Committee) && may_sit(user)),
        // Only agents draft, publish, amend and cancel objectives, and only they see drafts.
        ViewDraftObjectives | CreateObjective | EditObjective | PublishObjective | CancelObjective
        | DeleteDraftObjective => verified(user.has(Role::Agent)),
        ReadConsultation => Ok(()),
        ManageConsultation => verified(user.has(Role::Agent)),
        // The region does not answer its own consultation.
        TakePartInConsultation => verified(!user.has(Role::Agent) && !user.has(Role::Admin)),
        ReadConfidentialContribution { own } => verified(own || user.has(Role::Agent)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(roles: &[Role], org: Option<i64>, owner: bool, verified: bool) -> Actor {
        Actor::User(Principal {
            user_id: UserId(1),
            roles: roles.to_vec(),
            organisation: org.map(OrganisationId),
            owns_organisation: owner,
            verified,
            disabled: false,
        })
    }

    #[test]
    fn owners_manage_only_their_own_organisation() {
        let owner = principal(&[], Some(1), true, true);
        assert_eq!(decide(&owner, Action::InviteMember(OrganisationId(1))), Ok(()));
        assert_eq!(decide(&owner, Action::InviteMember(OrganisationId(2))), Err(Deny::NotAllowed));
        let member = principal(&[], Some(1), false, true);
        assert_eq!(decide(&member, Action::InviteMember(OrganisationId(1))), Err(Deny::NotAllowed));
        assert_eq!(decide(&member, Action::ViewOrganisation(OrganisationId(1))), Ok(()));
    }

    #[test]
    fn only_an_organisation_s_own_verified_members_edit_its_profile() {
        let (org, other) = (OrganisationId(1), OrganisationId(2));
        for action in [Action::EditProfile(org), Action::ExportOrganisation(org)] {
            assert_eq!(decide(&principal(&[], Some(1), false, true), action), Ok(()), "a member");
            assert_eq!(decide(&principal(&[], Some(1), true, true), action), Ok(()), "the owner");
            assert_eq!(decide(&principal(&[], Some(1), false, false), action), Err(Deny::Unverified));
            assert_eq!(
                decide(&principal(&[], Some(2), true, true), action),
                Err(Deny::NotAllowed),
                "another organisation"
            );
            for roles in [&[Role::Admin][..], &[Role::Agent]] {
                assert_eq!(decide(&principal(roles, None, false, true), action), Err(Deny::NotAllowed));
            }
            assert_eq!(decide(&Actor::Anonymous, action), Err(Deny::NotSignedIn));
        }
        assert_eq!(decide(&principal(&[], Some(2), true, true), Action::EditProfile(other)), Ok(()));
        assert_eq!(decide(&principal(&[Role::Admin], None, false, true), Action::ManageCredentials), Ok(()));
        assert_eq!(
            decide(&principal(&[Role::Agent], None, false, true), Action::ManageCredentials),
            Err(Deny::NotAllowed)
        );
    }

    #[test]
    fn only_verified_suppliers_write_and_only_administrators_moderate() {
        for action in [Action::SendMessages, Action::SeekPartners] {
            assert_eq!(decide(&principal(&[], Some(1), false, true), action), Ok(()));
            assert_eq!(decide(&principal(&[], Some(1), true, false), action), Err(Deny::Unverified));
            for roles in [&[Role::Admin][..], &[Role::Agent], &[Role::Committee]] {
                assert_eq!(decide(&principal(roles, None, false, true), action), Err(Deny::NotAllowed), "{roles:?}");
            }
            assert_eq!(decide(&Actor::Anonymous, action), Err(Deny::NotSignedIn));
        }
        assert_eq!(decide(&principal(&[Role::Admin], None, false, true), Action::ModerateMessages), Ok(()));
        assert_eq!(decide(&principal(&[], Some(1), false, true), Action::SubmitPractice), Ok(()));
        assert_eq!(
            decide(&principal(&[Role::Agent], None, false, true), Action::SubmitPractice),
            Err(Deny::NotAllowed)
        );
        assert_eq!(decide(&principal(&[Role::Agent], None, false, true), Action::ReviewPractices), Ok(()));
        for roles in [&[Role::Admin][..], &[Role::Committee], &[]] {
            assert_eq!(
                decide(&principal(roles, Some(1), true, true), Action::ReviewPractices),
                Err(Deny::NotAllowed),
                "{roles:?}"
            );
        }
        for roles in [&[Role::Agent][..], &[Role::Committee], &[]] {
            assert_eq!(decide(&principal(roles, Some(1), true, true), Action::ModerateMessages), Err(Deny::NotAllowed));
        }
    }

    #[test]
    fn unverified_owners_are_asked_to_verify() {
        let owner = principal(&[], Some(1), true, false);
        assert_eq!(decide(&owner, Action::InviteMember(OrganisationId(1))), Err(Deny::Unverified));
        assert_eq!(decide(&owner, Action::ChangeOwnPassword), Ok(()));
        assert_eq!(decide(&owner, Action::ManageOwnTokens), Err(Deny::Unverified));
        // One's own data: exported and erased before verification too; never anonymously.
        assert_eq!(decide(&owner, Action::ExportOwnData), Ok(()));
        assert_eq!(decide(&owner, Action::EraseOwnAccount), Ok(()));
        assert_eq!(decide(&Actor::Anonymous, Action::ExportOwnData), Err(Deny::NotSignedIn));
        assert_eq!(decide(&Actor::Anonymous, Action::EraseOwnAccount), Err(Deny::NotSignedIn));
    }

    #[test]
    fn disabled_users_can_do_nothing() {
        let Actor::User(mut p) = principal(&[Role::Admin], None, false, true) else { unreachable!() };
        p.disabled = true;
        let actor = Actor::User(p);
        for action in [Action::ViewOwnAccount, Action::ListUsers, Action::ReadAuditLog, Action::EraseOwnAccount] {
            assert_eq!(decide(&actor, action), Err(Deny::NotAllowed));
        }
    }

    #[test]
    fn only_administrators_administer() {
        for roles in [&[Role::Agent][..], &[Role::Committee], &[]] {
            assert_eq!(decide(&principal(roles, None, false, true), Action::ListUsers), Err(Deny::NotAllowed));
        }
        assert_eq!(decide(&principal(&[Role::Agent, Role::Admin], None, false, true), Action::ChangeRoles), Ok(()));
        assert_eq!(decide(&Actor::Anonymous, Action::ReadAuditLog), Err(Deny::NotSignedIn));
    }

    #[test]
    fn proposals_are_sealed_until_opened() {
        let agent = principal(&[Role::Agent, Role::Admin, Role::Committee], None, false, true);
        let sealed = Action::ReadProposal { relation: Relation::Outsider, opened: false };
        assert_eq!(decide(&agent, sealed), Err(Deny::NotAllowed));
        assert_eq!(decide(&principal(&[], Some(2), true, true), sealed), Err(Deny::NotAllowed));
        assert_eq!(decide(&Actor::Anonymous, sealed), Err(Deny::NotSignedIn));
        let opened = Action::ReadProposal { relation: Relation::Outsider, opened: true };
        assert_eq!(decide(&agent, opened), Ok(()));
        assert_eq!(
            decide(&principal(&[Role::Admin, Role::Committee], None, false, true), opened),
            Err(Deny::NotAllowed)
        );
        assert_eq!(decide(&principal(&[], Some(2), true, true), opened), Err(Deny::NotAllowed));
        for relation in [Relation::Lead, Relation::Member] {
            let read = Action::ReadProposal { relation, opened: false };
            assert_eq!(decide(&principal(&[], Some(1), false, true), read), Ok(()));
            assert_eq!(decide(&principal(&[], Some(1), false, false), read), Err(Deny::Unverified));
        }
        let invited = Action::ReadProposal { relation: Relation::Invited, opened: false };
        assert_eq!(
            decide(&principal(&[], Some(1), true, true), invited),
            Err(Deny::NotAllowed),
            "not before confirming"
        );
        assert_eq!(decide(&principal(&[], Some(1), true, true), Action::SeeInvitation(Relation::Invited)), Ok(()));
        assert_eq!(
            decide(&principal(&[], Some(1), true, true), Action::SeeInvitation(Relation::Outsider)),
            Err(Deny::NotAllowed)
        );
        assert_eq!(decide(&principal(&[], Some(1), false, true), Action::WriteProposal(Relation::Lead)), Ok(()));
        assert_eq!(
            decide(&principal(&[], Some(1), true, true), Action::WriteProposal(Relation::Member)),
            Err(Deny::NotAllowed)
        );
        assert_eq!(decide(&Actor::Anonymous, Action::VerifyReceipt), Ok(()));
    }

    #[test]
    fn agents_and_administrators_never_sit_even_if_appointed() {
        for action in [Action::SitOnCommittee { member: true }, Action::ChairCommittee { chair: true }] {
            assert_eq!(decide(&principal(&[Role::Committee], None, false, true), action), Ok(()));
            for roles in [&[Role::Committee, Role::Admin][..], &[Role::Committee, Role::Agent]] {
                assert_eq!(decide(&principal(roles, None, false, true), action), Err(Deny::NotAllowed), "{roles:?}");
            }
        }
        assert_eq!(
            decide(&principal(&[Role::Committee], None, false, true), Action::SitOnCommittee { member: false }),
            Err(Deny::NotAllowed)
        );
    }

    #[test]
    fn only_agents_handle_objectives() {
        for action in
            [Action::ViewDraftObjectives, Action::CreateObjective, Action::PublishObjective, Action::CancelObjective]
        {
            assert_eq!(decide(&principal(&[Role::Agent], None, false, true), action), Ok(()));
            assert_eq!(
                decide(&principal(&[Role::Admin, Role::Committee], None, false, true), action),
                Err(Deny::NotAllowed)
            );
            assert_eq!(decide(&principal(&[], Some(1), true, true), action), Err(Deny::NotAllowed));
            assert_eq!(decide(&Actor::Anonymous, action), Err(Deny::NotSignedIn));
        }
    }

    #[test]
    fn only_agents_award_and_only_the_addressee_reads_its_letters() {
        assert_eq!(decide(&principal(&[Role::Agent], None, false, true), Action::Award), Ok(()));
        assert_eq!(decide(&principal(&[Role::Agent], None, false, false), Action::Award), Err(Deny::Unverified));
        for roles in [&[Role::Admin][..], &[Role::Committee], &[Role::Admin, Role::Committee]] {
            assert_eq!(decide(&principal(roles, None, false, true), Action::Award), Err(Deny::NotAllowed));
        }
        assert_eq!(decide(&principal(&[], Some(1), true, true), Action::Award), Err(Deny::NotAllowed));
        assert_eq!(decide(&Actor::Anonymous, Action::Award), Err(Deny::NotSignedIn));
        let letters = Action::ReadLetters(OrganisationId(1));
        assert_eq!(decide(&principal(&[], Some(1), false, true), letters), Ok(()));
        assert_eq!(decide(&principal(&[], Some(1), false, false), letters), Err(Deny::Unverified));
        assert_eq!(decide(&principal(&[], Some(2), true, true), letters), Err(Deny::NotAllowed));
        assert_eq!(decide(&principal(&[Role::Agent, Role::Admin], None, false, true), letters), Err(Deny::NotAllowed));
        assert_eq!(decide(&Actor::Anonymous, letters), Err(Deny::NotSignedIn));
    }

    #[test]
    fn consultations_are_public_and_confidential_contributions_are_not() {
        let agent = principal(&[Role::Agent], None, false, true);
        let owner = principal(&[], Some(1), true, true);
        let member = principal(&[], Some(1), false, true);
        let person = principal(&[], None, false, true);
        let committee = principal(&[Role::Committee], None, false, true);
        let admin = principal(&[Role::Admin], None, false, true);
        for actor in [&agent, &owner, &member, &person, &committee, &admin, &Actor::Anonymous] {
            assert_eq!(decide(actor, Action::ReadConsultation), Ok(()), "{actor:?}");
        }
        assert_eq!(decide(&agent, Action::ManageConsultation), Ok(()));
        for actor in [&owner, &member, &person, &committee, &admin] {
            assert_eq!(decide(actor, Action::ManageConsultation), Err(Deny::NotAllowed), "{actor:?}");
        }
        assert_eq!(decide(&Actor::Anonymous, Action::ManageConsultation), Err(Deny::NotSignedIn));
        for actor in [&owner, &member, &person, &committee] {
            assert_eq!(decide(actor, Action::TakePartInConsultation), Ok(()), "{actor:?}");
        }
        for actor in [&agent, &admin] {
            assert_eq!(decide(actor, Action::TakePartInConsultation), Err(Deny::NotAllowed), "{actor:?}");
        }
        assert_eq!(
            decide(&principal(&[], Some(1), true, false), Action::TakePartInConsultation),
            Err(Deny::Unverified)
        );
        assert_eq!(decide(&Actor::Anonymous, Action::TakePartInConsultation), Err(Deny::NotSignedIn));
        let others = Action::ReadConfidentialContribution { own: false };
        let own = Action::ReadConfidentialContribution { own: true };
        assert_eq!(decide(&agent, others), Ok(()));
        for actor in [&owner, &member, &person, &committee, &admin] {
            assert_eq!(decide(actor, others), Err(Deny::NotAllowed), "{actor:?}");
            assert_eq!(decide(actor, own), Ok(()), "{actor:?}");
        }
        assert_eq!(decide(&Actor::Anonymous, others), Err(Deny::NotSignedIn));
    }

    #[test]
    fn agents_manage_indicators_and_holders_report() {
        let manage = Action::ManageIndicators;
        assert_eq!(decide(&principal(&[Role::Agent], None, false, true), manage), Ok(()));
        for roles in [&[Role::Admin][..], &[Role::Committee]] {
            assert_eq!(decide(&principal(roles, None, false, true), manage), Err(Deny::NotAllowed));
        }
        assert_eq!(decide(&principal(&[], Some(1), true, true), manage), Err(Deny::NotAllowed));
        let holder = Action::ReportIndicator { holder: true };
        let other = Action::ReportIndicator { holder: false };
        assert_eq!(decide(&principal(&[], Some(1), false, true), holder), Ok(()));
        assert_eq!(decide(&principal(&[], Some(1), false, false), holder), Err(Deny::Unverified));
        assert_eq!(decide(&principal(&[], Some(2), false, true), other), Err(Deny::NotAllowed));
        assert_eq!(decide(&principal(&[Role::Agent], None, false, true), holder), Err(Deny::NotAllowed));
        assert_eq!(decide(&Actor::Anonymous, holder), Err(Deny::NotSignedIn));
    }

    #[test]
    fn agents_plan_change_support_holders_record_and_users_of_the_purchase_rate() {
        let agent = principal(&[Role::Agent], None, false, true);
        let holder = principal(&[], Some(1), false, true);
        let other_supplier = principal(&[], Some(2), true, true);
        let member = principal(&[Role::Committee], None, false, true);
        let admin = principal(&[Role::Admin], None, false, true);
        let user = principal(&[], None, false, true);
        assert_eq!(decide(&agent, Action::PlanChangeSupport), Ok(()));
        assert_eq!(
            decide(&principal(&[Role::Agent], None, false, false), Action::PlanChangeSupport),
            Err(Deny::Unverified)
        );
        for who in [&holder, &other_supplier, &member, &admin, &user] {
            assert_eq!(decide(who, Action::PlanChangeSupport), Err(Deny::NotAllowed), "{who:?}");
        }
        assert_eq!(decide(&Actor::Anonymous, Action::PlanChangeSupport), Err(Deny::NotSignedIn));

        assert_eq!(decide(&holder, Action::RecordSupport { holder: true }), Ok(()));
        assert_eq!(
            decide(&principal(&[], Some(1), false, false), Action::RecordSupport { holder: true }),
            Err(Deny::Unverified)
        );
        for who in [&other_supplier, &agent, &member, &admin, &user] {
            assert_eq!(decide(who, Action::RecordSupport { holder: false }), Err(Deny::NotAllowed), "{who:?}");
        }
        // Holding needs an organisation: a flag alone grants nothing to staff.
        assert_eq!(decide(&agent, Action::RecordSupport { holder: true }), Err(Deny::NotAllowed));
        assert_eq!(decide(&Actor::Anonymous, Action::RecordSupport { holder: true }), Err(Deny::NotSignedIn));

        assert_eq!(decide(&user, Action::RateSupport { user_of_purchase: true }), Ok(()));
        assert_eq!(
            decide(&principal(&[], None, false, false), Action::RateSupport { user_of_purchase: true }),
            Err(Deny::Unverified)
        );
        for who in [&user, &holder, &other_supplier, &agent, &member, &admin] {
            assert_eq!(decide(who, Action::RateSupport { user_of_purchase: false }), Err(Deny::NotAllowed), "{who:?}");
        }
        assert_eq!(decide(&Actor::Anonymous, Action::RateSupport { user_of_purchase: true }), Err(Deny::NotSignedIn));
    }
}
