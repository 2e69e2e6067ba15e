//! Log lines about requests are not written when they happen: the time on a line (the log's
//! own, or the one journald adds) would date a reporter's request to the second. They are held
//! in memory and written together at the next full hour ([`run`]), and when the server stops
//! ([`flush`]), so the log dates nothing a reporter did finer than the hour. Bounded: past
//! [`MOST`] held lines, further ones are only counted. Acts worth knowing about that are not
//! failures (a case closed) are only counted ([`count`]), and their counts written at the hour.

use std::sync::Mutex;

/// The most lines held between two flushes.
pub const MOST: usize = 1000;

struct Held {
    lines: Vec<String>,
    dropped: u64,
    /// Acts counted since the last flush, by name.
    counts: Vec<(&'static str, u64)>,
}

static HELD: Mutex<Held> = Mutex::new(Held {
    lines: Vec::new(),
    dropped: 0,
    counts: Vec::new(),
});

/// Counts one `act` (a fixed name, such as "cases closed") for the next flush.
pub fn count(act: &'static str) {
    if let Ok(mut held) = HELD.lock() {
        match held.counts.iter_mut().find(|(a, _)| *a == act) {
            Some((_, n)) => *n = n.saturating_add(1),
            None => held.counts.push((act, 1)),
        }
    }
}

/// Takes the counts of acts since the last flush.
pub fn take_counts() -> Vec<(&'static str, u64)> {
    HELD.lock()
        .map(|mut held| std::mem::take(&mut held.counts))
        .unwrap_or_default()
}

/// Holds `line` for the next flush.
pub fn hold(line: String) {
    if let Ok(mut held) = HELD.lock() {
        if held.lines.len() < MOST {
            held.lines.push(line);
        } else {
            held.dropped = held.dropped.saturating_add(1);
        }
    }
}

/// Takes what is held: the lines, and how many more were only counted.
pub fn take() -> (Vec<String>, u64) {
    match HELD.lock() {
        Ok(mut held) => {
            let dropped = std::mem::take(&mut held.dropped);
            (std::mem::take(&mut held.lines), dropped)
        }
        Err(_) => (Vec::new(), 0),
    }
}

/// Writes every held line now, as errors, and the counts of acts, as information.
pub fn flush() {
    for (act, n) in take_counts() {
        tracing::info!(count = n, "{act} in the past hour");
    }
    let (lines, dropped) = take();
    for line in &lines {
        tracing::error!(held_until = "the hour", "{line}");
    }
    if dropped > 0 {
        tracing::error!(dropped, "more failures in the past hour than were held");
    }
}

/// Flushes at every full hour, forever.
pub async fn run() {
    loop {
        let now = crate::clock::now();
        let next = crate::clock::to_hour(now).saturating_add(crate::clock::HOUR);
        let wait = u64::try_from(next - now).unwrap_or(1).max(1);
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
        flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acts_are_counted_not_logged() {
        let _ = take_counts();
        count("cases closed");
        count("cases closed");
        count("other acts");
        assert_eq!(take_counts(), vec![("cases closed", 2), ("other acts", 1)]);
        assert_eq!(take_counts(), Vec::new());
    }

    #[test]
    fn lines_are_held_and_bounded() {
        let _ = take();
        for i in 0..MOST + 5 {
            hold(format!("line {i}"));
        }
        let (lines, dropped) = take();
        assert_eq!((lines.len(), dropped), (MOST, 5));
        assert_eq!(take(), (Vec::new(), 0));
    }
}
