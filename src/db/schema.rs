// The one schema both migration sets must produce; `tests/api/schema.rs` checks it against both.

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        prefix -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    amendments (id) {
        id -> BigInt,
        objective_id -> BigInt,
        occurred_at -> Timestamp,
        author_id -> BigInt,
        reason -> Text,
        changes -> Text,
        essential -> Bool,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor -> Text,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    criteria (id) {
        id -> BigInt,
        code -> Text,
        category -> Text,
        goal -> Text,
        name_fr -> Text,
        name_en -> Text,
        description_fr -> Text,
        description_en -> Text,
        levels_fr -> Text,
        levels_en -> Text,
        retired_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        email -> Text,
        token_hash -> Text,
        invited_by -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        to_address -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        lock_token -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    milestones (id) {
        id -> BigInt,
        objective_id -> BigInt,
        due_on -> Date,
        label -> Text,
    }
}

diesel::table! {
    objective_criteria (objective_id, criterion_id) {
        objective_id -> BigInt,
        criterion_id -> BigInt,
        weight -> Integer,
        eliminatory -> Bool,
        min_score -> Nullable<Integer>,
        position -> Integer,
    }
}

diesel::table! {
    objective_documents (id) {
        id -> BigInt,
        objective_id -> BigInt,
        storage_key -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_by -> BigInt,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    objectives (id) {
        id -> BigInt,
        reference -> Text,
        title -> Text,
        need -> Text,
        political_objective -> Text,
        deliberation_ref -> Text,
        deliberation_date -> Nullable<Date>,
        deliberation_url -> Nullable<Text>,
        themes -> Text,
        horizon -> Text,
        budget_euros -> Nullable<BigInt>,
        place -> Text,
        contact -> Text,
        deadline_at -> Nullable<Timestamp>,
        shortlist_rule -> Text,
        shortlist_value -> Integer,
        status -> Text,
        cancel_reason -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        search_text -> Text,
        practice -> Bool,
        aggregation -> Text,
        blind -> Bool,
        results_published_at -> Nullable<Timestamp>,
        results_per_criterion -> Bool,
    }
}

diesel::table! {
    organisations (id) {
        id -> BigInt,
        legal_name -> Text,
        identifier_type -> Text,
        identifier -> Text,
        address -> Text,
        postcode -> Text,
        country -> Text,
        size -> Text,
        social_economy -> Bool,
        sectors -> Text,
        owner_user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    questions (id) {
        id -> BigInt,
        objective_id -> BigInt,
        asked_by -> Nullable<BigInt>,
        question -> Text,
        answer -> Nullable<Text>,
        answered_by -> Nullable<BigInt>,
        asked_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    rate_limits (bucket) {
        bucket -> Text,
        window_start -> Timestamp,
        hits -> Integer,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        user_agent -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> BigInt,
        user_id -> BigInt,
        theme -> Nullable<Text>,
        objective_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> BigInt,
        role -> Text,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        password_hash -> Nullable<Text>,
        email_verified_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        organisation_id -> Nullable<BigInt>,
        locale -> Text,
    }
}

diesel::table! {
    proposals (id) {
        id -> BigInt,
        objective_id -> BigInt,
        organisation_id -> BigInt,
        title -> Text,
        summary -> Text,
        solution -> Text,
        change_support -> Text,
        cost_euros -> Nullable<BigInt>,
        duration_months -> Nullable<Integer>,
        consortium_type -> Nullable<Text>,
        version -> Integer,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_by -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    proposal_statements (proposal_id, criterion_id) {
        proposal_id -> BigInt,
        criterion_id -> BigInt,
        statement -> Text,
    }
}

diesel::table! {
    proposal_attachments (id) {
        id -> BigInt,
        proposal_id -> BigInt,
        storage_key -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_by -> BigInt,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    consortium_members (proposal_id, organisation_id) {
        proposal_id -> BigInt,
        organisation_id -> BigInt,
        role -> Text,
        invited_by -> BigInt,
        invited_at -> Timestamp,
        confirmed_by -> Nullable<BigInt>,
        confirmed_at -> Nullable<Timestamp>,
        terms_version -> Integer,
    }
}

diesel::table! {
    deposits (id) {
        id -> BigInt,
        proposal_id -> BigInt,
        objective_id -> BigInt,
        organisation_id -> BigInt,
        kind -> Text,
        receipt_number -> Text,
        depositor_id -> BigInt,
        started_at -> Timestamp,
        deposited_at -> Timestamp,
        late -> Bool,
        snapshot -> Text,
        receipt -> Text,
        deposit_hash -> Text,
        opened_at -> Nullable<Timestamp>,
        opened_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    opened_organisations (deposit_id, organisation_id) {
        deposit_id -> BigInt,
        objective_id -> BigInt,
        proposal_id -> BigInt,
        organisation_id -> BigInt,
        role -> Text,
        position -> Integer,
    }
}

diesel::table! {
    deposit_documents (deposit_id, position) {
        deposit_id -> BigInt,
        position -> Integer,
        storage_key -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
    }
}

diesel::table! {
    committee_members (objective_id, user_id) {
        objective_id -> BigInt,
        user_id -> BigInt,
        chair -> Bool,
        appointed_by -> BigInt,
        appointed_at -> Timestamp,
        released_at -> Nullable<Timestamp>,
        released_by -> Nullable<BigInt>,
        release_reason -> Nullable<Text>,
    }
}

diesel::table! {
    conflict_declarations (objective_id, user_id, organisation_id) {
        objective_id -> BigInt,
        user_id -> BigInt,
        organisation_id -> BigInt,
        conflict -> Bool,
        note -> Text,
        declared_at -> Timestamp,
    }
}

diesel::table! {
    evaluations (id) {
        id -> BigInt,
        objective_id -> BigInt,
        proposal_id -> BigInt,
        user_id -> BigInt,
        submitted_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    scores (evaluation_id, criterion_id) {
        evaluation_id -> BigInt,
        criterion_id -> BigInt,
        score -> Nullable<Integer>,
        justification -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    score_history (id) {
        id -> BigInt,
        evaluation_id -> BigInt,
        criterion_id -> BigInt,
        changed_by -> BigInt,
        changed_at -> Timestamp,
        from_score -> Nullable<Integer>,
        to_score -> Nullable<Integer>,
        justification -> Text,
    }
}

diesel::table! {
    consensus_scores (proposal_id, criterion_id) {
        proposal_id -> BigInt,
        criterion_id -> BigInt,
        score -> Integer,
        justification -> Text,
        decided_by -> BigInt,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    shortlist_changes (objective_id, proposal_id) {
        objective_id -> BigInt,
        proposal_id -> BigInt,
        shortlisted -> Bool,
        reason -> Text,
        changed_by -> BigInt,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    shortlist_decisions (objective_id) {
        objective_id -> BigInt,
        decided_by -> BigInt,
        decided_at -> Timestamp,
        outcome -> Text,
    }
}

diesel::table! {
    credentials (id) {
        id -> BigInt,
        code -> Text,
        name_fr -> Text,
        name_en -> Text,
        description_fr -> Text,
        description_en -> Text,
        retired_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organisation_profiles (organisation_id) {
        organisation_id -> BigInt,
        listed -> Bool,
        presentation -> Text,
        departments -> Text,
        commitments -> Text,
        search_text -> Text,
        sectors_key -> Text,
        sort_name -> Text,
        listed_at -> Nullable<Timestamp>,
        updated_by -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organisation_credentials (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        credential_id -> BigInt,
        expires_on -> Nullable<Date>,
        evidence_key -> Nullable<Text>,
        evidence_name -> Nullable<Text>,
        evidence_type -> Nullable<Text>,
        evidence_size -> Nullable<BigInt>,
        added_by -> BigInt,
        added_at -> Timestamp,
    }
}

diesel::table! {
    partner_requests (id) {
        id -> BigInt,
        objective_id -> BigInt,
        organisation_id -> BigInt,
        skills -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        sender_organisation_id -> BigInt,
        sender_user_id -> BigInt,
        recipient_organisation_id -> BigInt,
        objective_id -> Nullable<BigInt>,
        body -> Text,
        sent_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    message_reports (id) {
        id -> BigInt,
        message_id -> BigInt,
        reported_by -> BigInt,
        reason -> Text,
        reported_at -> Timestamp,
        resolution -> Nullable<Text>,
        resolved_by -> Nullable<BigInt>,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    messaging_suspensions (organisation_id) {
        organisation_id -> BigInt,
        reason -> Text,
        suspended_by -> BigInt,
        suspended_at -> Timestamp,
    }
}

diesel::table! {
    practices (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        title -> Text,
        body -> Text,
        themes -> Text,
        picture_key -> Nullable<Text>,
        picture_type -> Nullable<Text>,
        picture_size -> Nullable<BigInt>,
        status -> Text,
        refusal_reason -> Nullable<Text>,
        featured -> Bool,
        submitted_by -> BigInt,
        submitted_at -> Timestamp,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    awards (objective_id) {
        objective_id -> BigInt,
        outcome -> Text,
        reasons -> Text,
        standstill_days -> Integer,
        standstill_ends_at -> Timestamp,
        decided_by -> BigInt,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    award_winners (objective_id, proposal_id) {
        objective_id -> BigInt,
        proposal_id -> BigInt,
    }
}

diesel::table! {
    letters (id) {
        id -> BigInt,
        objective_id -> BigInt,
        organisation_id -> BigInt,
        proposal_id -> Nullable<BigInt>,
        kind -> Text,
        facts -> Text,
        sent_at -> Timestamp,
        first_opened_at -> Nullable<Timestamp>,
        first_opened_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    challenges (id) {
        id -> BigInt,
        objective_id -> BigInt,
        lodged_on -> Date,
        lodged_by -> Text,
        summary -> Text,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
        outcome -> Nullable<Text>,
        outcome_note -> Nullable<Text>,
        outcome_by -> Nullable<BigInt>,
        outcome_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    objective_stages (objective_id, status) {
        objective_id -> BigInt,
        status -> Text,
        reached_at -> Timestamp,
        reached_by -> BigInt,
    }
}

diesel::table! {
    contracts (objective_id) {
        objective_id -> BigInt,
        object -> Text,
        holders -> Text,
        signed_on -> Date,
        notified_on -> Date,
        amount_cents -> BigInt,
        duration_months -> Integer,
        cpv -> Text,
        place_code -> Text,
        place_kind -> Text,
        price_form -> Text,
        price_basis -> Text,
        subcontracting -> Bool,
        considerations -> Text,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    directory_sector_names (sector) {
        sector -> Text,
        sort_key -> Text,
    }
}

diesel::table! {
    contract_modifications (id) {
        id -> BigInt,
        objective_id -> BigInt,
        number -> Integer,
        notified_on -> Date,
        reason -> Text,
        object -> Nullable<Text>,
        amount_cents -> Nullable<BigInt>,
        duration_months -> Nullable<Integer>,
        holders -> Nullable<Text>,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    directory_terms (term, organisation_id) {
        term -> Text,
        organisation_id -> BigInt,
    }
}

diesel::table! {
    directory_sectors (organisation_id, sector) {
        organisation_id -> BigInt,
        sector -> Text,
    }
}

diesel::joinable!(directory_sectors -> organisations (organisation_id));
diesel::joinable!(directory_sectors -> directory_sector_names (sector));
diesel::joinable!(practices -> organisations (organisation_id));
diesel::joinable!(partner_requests -> organisations (organisation_id));
diesel::joinable!(partner_requests -> objectives (objective_id));
diesel::joinable!(message_reports -> messages (message_id));
diesel::joinable!(organisation_profiles -> organisations (organisation_id));
diesel::joinable!(organisation_credentials -> credentials (credential_id));
diesel::joinable!(organisation_credentials -> organisations (organisation_id));
diesel::joinable!(amendments -> objectives (objective_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(milestones -> objectives (objective_id));
diesel::joinable!(objective_criteria -> criteria (criterion_id));
diesel::joinable!(objective_criteria -> objectives (objective_id));
diesel::joinable!(objective_documents -> objectives (objective_id));
diesel::joinable!(questions -> objectives (objective_id));
diesel::joinable!(subscriptions -> objectives (objective_id));
diesel::joinable!(subscriptions -> users (user_id));
diesel::joinable!(committee_members -> objectives (objective_id));
diesel::joinable!(committee_members -> users (user_id));
diesel::joinable!(consortium_members -> organisations (organisation_id));
diesel::joinable!(consortium_members -> proposals (proposal_id));
diesel::joinable!(deposit_documents -> deposits (deposit_id));
diesel::joinable!(opened_organisations -> deposits (deposit_id));
diesel::joinable!(opened_organisations -> organisations (organisation_id));
diesel::joinable!(evaluations -> proposals (proposal_id));
diesel::joinable!(score_history -> evaluations (evaluation_id));
diesel::joinable!(scores -> evaluations (evaluation_id));
diesel::joinable!(deposits -> proposals (proposal_id));
diesel::joinable!(invitations -> organisations (organisation_id));
diesel::joinable!(proposal_attachments -> proposals (proposal_id));
diesel::joinable!(proposal_statements -> proposals (proposal_id));
diesel::joinable!(proposals -> objectives (objective_id));
diesel::joinable!(proposals -> organisations (organisation_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(users -> organisations (organisation_id));

diesel::table! {
    indicators (id) {
        id -> BigInt,
        objective_id -> BigInt,
        criterion_id -> Nullable<BigInt>,
        name -> Text,
        unit -> Text,
        baseline -> Double,
        targets -> Text,
        period_months -> Integer,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    indicator_reports (id) {
        id -> BigInt,
        indicator_id -> BigInt,
        period -> Integer,
        value -> Double,
        comment -> Text,
        evidence -> Nullable<Text>,
        state -> Text,
        reported_by -> BigInt,
        reported_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    consultations (id) {
        id -> BigInt,
        objective_id -> BigInt,
        need -> Text,
        questions -> Text,
        closes_at -> Timestamp,
        synthesis -> Nullable<Text>,
        synthesis_at -> Nullable<Timestamp>,
        change_note -> Nullable<Text>,
        call_opened_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    consultation_contributions (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        user_id -> BigInt,
        organisation_id -> Nullable<BigInt>,
        body -> Text,
        confidential -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    consultation_meetings (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        starts_at -> Timestamp,
        place -> Text,
        online_url -> Nullable<Text>,
        capacity -> Integer,
        minutes -> Nullable<Text>,
        minutes_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    meeting_registrations (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        user_id -> BigInt,
        waiting -> Bool,
        registered_at -> Timestamp,
        reminder_mail_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(indicator_reports -> indicators (indicator_id));
diesel::joinable!(consultations -> objectives (objective_id));
diesel::joinable!(consultation_contributions -> consultations (consultation_id));
diesel::joinable!(consultation_meetings -> consultations (consultation_id));
diesel::joinable!(meeting_registrations -> consultation_meetings (meeting_id));
diesel::joinable!(meeting_registrations -> users (user_id));
diesel::joinable!(consultation_contributions -> users (user_id));
diesel::joinable!(consultation_contributions -> organisations (organisation_id));

diesel::table! {
    audit_checkpoints (id) {
        id -> BigInt,
        sequence -> BigInt,
        head_hash -> Text,
        created_at -> Timestamp,
        key_id -> Text,
        public_key -> Text,
        signature -> Text,
    }
}

diesel::table! {
    support_actions (id) {
        id -> BigInt,
        objective_id -> BigInt,
        kind -> Text,
        description -> Text,
        audience -> Text,
        planned_on -> Date,
        planned_hours -> Double,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    support_deliveries (action_id) {
        action_id -> BigInt,
        delivered_on -> Date,
        participants -> Integer,
        notes -> Text,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    support_materials (id) {
        id -> BigInt,
        action_id -> BigInt,
        storage_key -> Text,
        original_name -> Text,
        content_type -> Text,
    }
}

diesel::table! {
    purchase_users (id) {
        id -> BigInt,
        objective_id -> BigInt,
        user_id -> BigInt,
        invited_by -> BigInt,
        invited_at -> Timestamp,
    }
}

diesel::table! {
    support_ratings (id) {
        id -> BigInt,
        action_id -> BigInt,
        user_id -> BigInt,
        rating -> Integer,
        comment -> Text,
        rated_at -> Timestamp,
    }
}

diesel::joinable!(support_deliveries -> support_actions (action_id));
diesel::joinable!(support_materials -> support_deliveries (action_id));
diesel::joinable!(support_ratings -> support_deliveries (action_id));
diesel::joinable!(support_ratings -> users (user_id));
diesel::joinable!(purchase_users -> users (user_id));

diesel::table! {
    job_leases (name) {
        name -> Text,
        holder -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_run_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    indicator_reminders (id) {
        id -> BigInt,
        indicator_id -> BigInt,
        period -> Integer,
        kind -> Text,
        sent_at -> Timestamp,
        recipients -> Integer,
    }
}

diesel::table! {
    retention_purges (objective_id) {
        objective_id -> BigInt,
        purged_at -> Timestamp,
        summary -> Text,
    }
}

diesel::joinable!(indicator_reminders -> indicators (indicator_id));
diesel::joinable!(retention_purges -> objectives (objective_id));

diesel::allow_tables_to_appear_in_same_query!(
    job_leases,
    indicator_reminders,
    retention_purges,
    indicators,
    indicator_reports,
    award_winners,
    contract_modifications,
    contracts,
    awards,
    challenges,
    letters,
    objective_stages,
    amendments,
    api_tokens,
    audit_log,
    committee_members,
    conflict_declarations,
    consensus_scores,
    consortium_members,
    credentials,
    criteria,
    deposit_documents,
    deposits,
    directory_sector_names,
    directory_sectors,
    directory_terms,
    evaluations,
    invitations,
    mail_outbox,
    message_reports,
    messages,
    messaging_suspensions,
    milestones,
    objective_criteria,
    objective_documents,
    objectives,
    opened_organisations,
    organisation_credentials,
    organisation_profiles,
    organisations,
    partner_requests,
    practices,
    proposal_attachments,
    proposal_statements,
    proposals,
    questions,
    rate_limits,
    score_history,
    scores,
    sessions,
    shortlist_changes,
    shortlist_decisions,
    subscriptions,
    user_roles,
    users,
    audit_checkpoints,
    support_actions,
    support_deliveries,
    support_materials,
    purchase_users,
    support_ratings,
    consultations,
    consultation_contributions,
    consultation_meetings,
    meeting_registrations,
);
