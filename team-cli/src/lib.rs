//! loket-team as a library: `serve`, the team's app on the member's own machine (the binary's
//! `loket-team serve`, and the tests, which run it in-process), and `export`, every case a
//! member can read decrypted onto their machine (`loket-team export`).

pub mod export;
pub mod recovery;
pub mod serve;
