//! Achat Ouvert: the platform on which a French regional council buys in the open.
//!
//! Layout: `config` (settings from the environment), `db` (connections, migrations, schema),
//! `domain` (the rules), `mail` (outgoing mail), `web` (HTTP: handlers, middleware, i18n),
//! `views` (HTML), `pdf` (printable documents), `cli` (the commands). See docs/ARCHITECTURE.md.

pub mod backup;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod demo_data;
pub mod domain;
pub mod i18n;
pub mod mail;
pub mod pdf;
pub mod rush;
pub mod scheduler;
pub mod seed;
pub mod telemetry;
pub mod uploads;
pub mod views;
pub mod web;
