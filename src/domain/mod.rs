//! The rules of the platform, free of web code: each module parses its inputs into valid values
//! and exposes the operations that change or read them.

pub mod email;
pub mod password;
pub mod set_password_link;
pub mod users;
