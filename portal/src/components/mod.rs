//! Pieces both apps show: the frame (header with the language switch, footer, directory
//! warning), the status line and a thread of messages.

mod frame;
mod status_line;
mod thread;

pub use frame::{DirectoryError, Footer, Header, LangSwitch};
pub use status_line::StatusLine;
pub use thread::{Entry, Messages};
