//! The rules of the platform, free of web code: each module parses its inputs into valid values
//! and exposes the operations that change or read them.

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod authz;
pub mod award;
pub mod consultation;
pub mod criteria;
pub mod criteria_seed;
pub mod dashboard;
pub mod decp;
pub mod documents;
pub mod email;
pub mod error;
pub mod evaluation;
pub mod following;
pub mod forms;
pub mod markdown;
pub mod network;
pub mod objectives;
pub mod ocds;
pub mod organisations;
pub mod password;
pub mod proposals;
pub mod questions;
pub mod rate_limit;
pub mod search;
pub mod secret_token;
pub mod sessions;
pub mod signed_link;
pub mod sitemap;
pub mod themes;
pub mod users;
pub mod worklist;
