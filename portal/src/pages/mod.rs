//! One module per page of the portal.

mod followup;
mod report;
mod team;

pub use followup::FollowUpPage;
pub use report::ReportPage;
pub use team::TeamPage;
