//! Retention: when a closed case is deleted. Without a formal complaint, `keep_no_complaint`
//! after closing; with one, `keep_formal_complaint` after the decision (closing records it).

use loket_wire::api::Outcome;

use crate::config;

/// The time after which a case closed at `at` with `outcome` is deleted.
pub fn delete_after(config: &config::Retention, outcome: Outcome, at: i64) -> i64 {
    let keep = match outcome {
        Outcome::NoComplaint => config.keep_no_complaint,
        Outcome::FormalComplaint => config.keep_formal_complaint,
    };
    at.saturating_add(keep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::DAY;

    #[test]
    fn formal_complaints_are_kept_longer() {
        let c = config::Retention::default();
        assert_eq!(delete_after(&c, Outcome::NoComplaint, 0), 730 * DAY);
        assert_eq!(delete_after(&c, Outcome::FormalComplaint, 0), 1826 * DAY);
    }
}
