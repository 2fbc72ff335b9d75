//! HTTP handlers: each parses its input, calls the domain and renders a view or JSON.

pub mod account;
pub mod health;
pub mod home;
pub mod lang;
pub mod openapi;
