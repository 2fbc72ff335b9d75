//! HTTP handlers: each parses its input, asks the authorization rules, calls the domain and
//! renders a view or JSON.

pub mod account;
pub mod admin;
pub mod api;
pub mod api_award;
pub mod api_consultation;
pub mod api_evaluation;
pub mod api_manage;
pub mod api_network;
pub mod api_objectives;
pub mod api_proposals;
pub mod auth;
pub mod award;
pub mod change_support;
pub mod checkpoints;
pub mod consultation;
pub mod criteria;
pub mod dashboard;
pub mod documents;
pub mod evaluation;
pub mod health;
pub mod home;
pub mod indicators;
pub mod lang;
pub mod messages;
pub mod network;
pub mod objectives;
pub mod open_data;
pub mod openapi;
pub mod organisation;
pub mod practices;
pub mod proposals;
pub mod receipts;
pub mod site;
pub mod work;
