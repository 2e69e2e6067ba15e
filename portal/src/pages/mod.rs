//! One module per page of the portal.

mod bench;
mod followup;
mod report;
mod team;

pub use bench::BenchPage;
pub use followup::FollowUpPage;
pub use report::ReportPage;
pub use team::TeamPage;
