//! Outgoing mail: one [`Mailer`] over an SMTP relay, `.eml` files, or memory (tests read it).
//!
//! Messages are built here from plain data; their French and English bodies come from the views.

pub mod outbox;
pub mod templates;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lettre::message::{Mailbox, Message, MultiPart};
use lettre::{FileTransport, SmtpTransport, Transport};

use crate::config::{MailTransportSetting, Settings};

/// Checks an `SMTP_URL` the way the transport will read it.
pub fn validate_smtp_url(raw: &str) -> Result<(), String> {
    if !(raw.starts_with("smtp://") || raw.starts_with("smtps://")) {
        return Err("the scheme must be smtp:// or smtps://".into());
    }
    SmtpTransport::from_url(raw).map(|_| ()).map_err(|e| e.to_string())
}

pub fn validate_mailbox(raw: &str) -> Result<(), String> {
    raw.parse::<Mailbox>().map(|_| ()).map_err(|e| e.to_string())
}

/// The SMTP URL with its password hidden.
pub fn mask_smtp_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("********"));
            }
            url.to_string()
        }
        Err(_) => "(unparsable)".into(),
    }
}

/// A message ready to send: both parts already rendered in the recipient's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("delivery failed: {0}")]
    Delivery(String),
}

#[derive(Clone)]
pub enum Mailer {
    Smtp(Box<SmtpTransport>),
    Files(PathBuf),
    Memory(Arc<Mutex<Vec<OutgoingMail>>>),
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> Result<Mailer, MailError> {
        match &settings.mail {
            MailTransportSetting::Files => Ok(Mailer::Files(settings.outbox_dir())),
            MailTransportSetting::Smtp(url) => SmtpTransport::from_url(url.expose())
                .map(|builder| Mailer::Smtp(Box::new(builder.build())))
                .map_err(|e| MailError::Delivery(e.to_string())),
        }
    }

    /// Sends one message. Blocking: call it off the async threads.
    pub fn send(&self, from: &str, mail: &OutgoingMail) -> Result<(), MailError> {
        if let Mailer::Memory(sent) = self {
            sent.lock().unwrap_or_else(|p| p.into_inner()).push(mail.clone());
            return Ok(());
        }
        let message = build_message(from, mail)?;
        match self {
            Mailer::Smtp(transport) => {
                transport.send(&message).map(|_| ()).map_err(|e| MailError::Delivery(e.to_string()))
            }
            Mailer::Files(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| MailError::Delivery(e.to_string()))?;
                let id = FileTransport::new(dir).send(&message).map_err(|e| MailError::Delivery(e.to_string()))?;
                tracing::info!(outbox_file = %dir.join(format!("{id}.eml")).display(), "mail written to the outbox directory");
                Ok(())
            }
            Mailer::Memory(_) => Ok(()),
        }
    }
}

fn build_message(from: &str, mail: &OutgoingMail) -> Result<Message, MailError> {
    let from: Mailbox = from.parse().map_err(|e: lettre::address::AddressError| MailError::Address(e.to_string()))?;
    let to: Mailbox = mail.to.parse().map_err(|e: lettre::address::AddressError| MailError::Address(e.to_string()))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
        .map_err(|e| MailError::Build(e.to_string()))
}
