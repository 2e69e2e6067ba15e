//! One folder per page of the reporter's app.

mod follow_up;
mod report;

pub use follow_up::FollowUpPage;
pub use report::{ReceiptBox, ReportPage, receipt_file};
