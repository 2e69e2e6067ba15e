//! Embeds the reporter's browser app, `portal/dist/reporter` (served at `/`), into the server
//! binary, compressed once here at the highest levels (loket-assets, feature `build`). The
//! team's app is not here: it runs from each member's own machine (`loket-team serve`). When
//! the app has not been built, the server still compiles and serves a page that says how to
//! build it. Also rebuilds the crate when a migration changes.

use std::path::Path;

fn main() {
    // sqlx::migrate! embeds the migrations: a new or changed file must rebuild the crate.
    println!("cargo:rerun-if-changed=migrations");
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../portal/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let mut code = String::new();
    loket_assets::build::embed(&mut code, "REPORTER", &dist.join("reporter"), &out_dir);
    loket_assets::build::write(&code, &out_dir);
}
