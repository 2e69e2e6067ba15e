//! The deadlines of a report, counted from its arrival (docs/operations.md).

use loket_wire::api::Deadlines;

use crate::config;

/// The due times of a report that arrived at `received` (Unix seconds).
pub fn due(config: &config::Deadlines, received: i64) -> Deadlines {
    Deadlines {
        first_response_due: received.saturating_add(config.first_response),
        acknowledgement_due: received.saturating_add(config.acknowledgement),
        feedback_due: received.saturating_add(config.feedback),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_count_from_arrival() {
        let d = due(&config::Deadlines::default(), 1000);
        assert_eq!(d.first_response_due, 1000 + 24 * 3600);
        assert_eq!(d.acknowledgement_due, 1000 + 7 * 86400);
        assert_eq!(d.feedback_due, 1000 + 91 * 86400);
    }
}
