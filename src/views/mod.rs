//! HTML views: maud functions from plain data to `Markup`. No SQL here, and user text is always
//! escaped (no `PreEscaped`).

pub mod account;
pub mod admin;
pub mod auth;
pub mod award;
pub mod change_support;
pub mod checkpoints;
pub mod confirm;
pub mod consultation;
pub mod contracts;
pub mod criteria;
pub mod dashboard;
pub mod errors;
pub mod evaluation;
pub mod feeds;
pub mod forms;
pub mod home;
pub mod indicators;
pub mod layout;
pub mod messages;
pub mod network;
pub mod objectives;
pub mod organisation;
pub mod pdf;
pub mod practices;
pub mod proposals;
pub mod site;
pub mod work;
