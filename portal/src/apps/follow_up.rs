//! `loket_follow_up`: the reporter's follow-up view, served by `loket` at `/follow-up`. Come
//! back with the code to read and answer the team, attach files, give contact details or
//! withdraw (src/reporter/).

fn main() {
    loket_portal::start(loket_portal::reporter::app::FollowUpApp);
}
