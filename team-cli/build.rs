//! Embeds the team's browser app, `portal/dist/team`, into `loket-team`, compressed once here
//! (loket-assets, feature `build`): `loket-team serve` serves it on this machine
//! (src/serve.rs). When the app has not been built, the tool still compiles, and `serve` says
//! how to build it.

use std::path::Path;

fn main() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../portal/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let mut code = String::new();
    loket_assets::build::embed(&mut code, "TEAM", &dist.join("team"), &out_dir);
    loket_assets::build::write(&code, &out_dir);
}
