//! Retention, as the regulation says: a case without a formal complaint (a melding, closed or
//! not) is deleted `keep_no_complaint` after its last activity; a formal complaint is kept
//! `keep_formal_complaint` after the committee's decision, and held while it awaits one. The
//! team's case record tells the server which (`store::Retained`), and nothing else.

use loket_wire::api::Outcome;

use crate::config;
use crate::store::Retained;

/// When a case will be deleted as things stand; `None` while it is held.
pub fn deletes(config: &config::Retention, retained: Retained, last_activity: i64) -> Option<i64> {
    if retained.held {
        return None;
    }
    Some(
        retained
            .delete_after
            .unwrap_or_else(|| last_activity.saturating_add(config.keep_no_complaint)),
    )
}

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

    #[test]
    fn a_melding_goes_two_years_after_its_last_activity_unless_held_or_dated() {
        let c = config::Retention::default();
        assert_eq!(deletes(&c, Retained::default(), 10), Some(10 + 730 * DAY));
        let dated = Retained {
            held: false,
            delete_after: Some(99),
        };
        assert_eq!(deletes(&c, dated, 10), Some(99));
        let held = Retained {
            held: true,
            delete_after: None,
        };
        assert_eq!(deletes(&c, held, 10), None);
    }
}
