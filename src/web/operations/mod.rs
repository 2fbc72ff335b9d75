//! Operations shared by the page and the API handlers: load what a request may see, authorize, call the domain; they return domain values or AppError, never HTML or JSON.

pub mod account;
pub mod admin;
pub mod award;
pub mod change_support;
pub mod consultation;
pub mod criteria;
pub mod dashboard;
pub mod documents;
pub mod evaluation;
pub mod indicators;
pub mod network;
pub mod objectives;
pub mod organisation;
pub mod proposals;
pub mod receipts;
pub mod site;
