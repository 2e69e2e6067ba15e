//! loket-assets: a browser app's built files inside a binary, the same way for `loket` (the
//! reporter's app, server/build.rs) and `loket-team serve` (the team's app, team-cli/build.rs).
//!
//! - At build time (feature `build`), [`build::embed`] writes Rust code that includes every
//!   file of a folder, with its brotli (quality 11, the largest window) and gzip (level 9)
//!   forms when they are smaller, and the SHA-256 of its own bytes (published by `loket` at
//!   `/hashes.txt`, docs/verify.md). Compressing once at build time lets the binary answer with
//!   stored bytes and no compressor of its own.
//! - At run time (feature `serve`), [`respond`] answers with the stored form the request's
//!   `Accept-Encoding` accepts (br, then gzip, else the file itself), its exact
//!   `Content-Length`, `Vary` and `Cache-Control: no-cache`.

/// `Content-Security-Policy` of every response of both apps' servers: their own origin only,
/// plus WebAssembly.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// The fixed security headers of every response of both apps' servers.
pub const SECURITY_HEADERS: [(&str, &str); 8] = [
    ("content-security-policy", CSP),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
];

/// One embedded file: its bytes as built, its compressed forms (when smaller) and the SHA-256
/// of its bytes as built (lowercase hex).
pub struct Asset {
    pub name: &'static str,
    pub identity: &'static [u8],
    pub br: Option<&'static [u8]>,
    pub gzip: Option<&'static [u8]>,
    pub sha256: &'static str,
}

/// The file of that name among `app`'s.
pub fn find(app: &'static [Asset], name: &str) -> Option<&'static Asset> {
    app.iter().find(|a| a.name == name)
}

/// The `Content-Type` of a file, by its extension.
pub fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A content coding of RFC 9110 §8.4.1 that is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Br,
    Gzip,
    Identity,
}

/// The coding to answer with, given the values of the request's `Accept-Encoding` headers
/// (RFC 9110 §12.5.3): brotli if acceptable, then gzip, else the bytes themselves. A coding
/// is acceptable when listed (or matched by `*`) with a weight above zero; an explicit `q=0`
/// refuses it even when `*` would allow it.
pub fn choose<'a>(accept_encoding: impl IntoIterator<Item = &'a str>) -> Coding {
    let mut weights: Vec<(String, bool)> = Vec::new();
    for value in accept_encoding {
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            let refused = parts.any(|p| {
                let p = p.trim();
                let Some(q) = p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")) else {
                    return false;
                };
                q.trim().parse::<f32>().map_or(true, |q| q <= 0.0)
            });
            weights.push((name, !refused));
        }
    }
    let accepts = |coding: &str| {
        let listed = weights.iter().find(|(n, _)| n == coding);
        let star = weights.iter().find(|(n, _)| n == "*");
        listed.or(star).is_some_and(|(_, ok)| *ok)
    };
    if accepts("br") {
        Coding::Br
    } else if accepts("gzip") || accepts("x-gzip") {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

impl Asset {
    /// The stored bytes for `coding` and the `Content-Encoding` to send with them (the file
    /// itself when that coding is not stored).
    pub fn coded(&self, coding: Coding) -> (&'static [u8], Option<&'static str>) {
        match (coding, self.br, self.gzip) {
            (Coding::Br, Some(br), _) => (br, Some("br")),
            (Coding::Br | Coding::Gzip, _, Some(gz)) => (gz, Some("gzip")),
            _ => (self.identity, None),
        }
    }
}

/// The response for `asset` to a request with these headers.
#[cfg(feature = "serve")]
pub fn respond(asset: &'static Asset, headers: &axum::http::HeaderMap) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse as _;

    let coding = choose(
        headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    );
    let (body, encoding) = asset.coded(coding);
    // A `&'static [u8]` body: axum sets its exact Content-Length.
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(asset.name)),
    );
    if let Some(encoding) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    if asset.br.is_some() || asset.gzip.is_some() {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// For build.rs: the code that embeds a folder of built files.
#[cfg(feature = "build")]
pub mod build {
    use std::fmt::Write as _;
    use std::io::Write as _;
    use std::path::Path;

    use sha2::{Digest as _, Sha256};

    fn brotli(data: &[u8]) -> std::io::Result<Vec<u8>> {
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 24,
            size_hint: data.len(),
            ..Default::default()
        };
        let mut out = Vec::new();
        brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
        Ok(out)
    }

    fn gzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
        // No file name and a zero time in the header: the same input gives the same bytes.
        let mut enc = flate2::GzBuilder::new().mtime(0).write(
            Vec::with_capacity(data.len() / 2),
            flate2::Compression::best(),
        );
        enc.write_all(data)?;
        enc.finish()
    }

    /// Writes `bytes` to `out_dir/name` if they are smaller than the original; returns the
    /// `include_bytes!` expression for the field, or `None`.
    fn compressed(
        out_dir: &Path,
        name: &str,
        original: usize,
        bytes: std::io::Result<Vec<u8>>,
    ) -> String {
        let bytes = match bytes {
            Ok(b) if b.len() < original => b,
            Ok(_) => return "None".into(),
            Err(e) => {
                println!("cargo:warning=cannot compress {name}: {e}");
                return "None".into();
            }
        };
        let path = out_dir.join(name);
        if let Err(e) = std::fs::write(&path, bytes) {
            println!("cargo:warning=cannot write {}: {e}", path.display());
            return "None".into();
        }
        format!("Some(include_bytes!({:?}))", path.display().to_string())
    }

    /// Appends `pub static <name>: &[Asset] = &[…]` with the files of `dir` (one level,
    /// sorted by name; empty when the folder does not exist) to `code`, the compressed forms
    /// written to `out_dir`. The code names `Asset`: include it where
    /// `loket_assets::Asset` is in scope.
    pub fn embed(code: &mut String, name: &str, dir: &Path, out_dir: &Path) {
        println!("cargo:rerun-if-changed={}", dir.display());
        let _ = writeln!(code, "pub static {name}: &[Asset] = &[");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        for path in files {
            println!("cargo:rerun-if-changed={}", path.display());
            let (Some(file), Ok(abs), Ok(data)) = (
                path.file_name().and_then(|n| n.to_str()),
                path.canonicalize(),
                std::fs::read(&path),
            ) else {
                continue;
            };
            let stem = format!("{}-{file}", name.to_lowercase());
            let br = compressed(out_dir, &format!("{stem}.br"), data.len(), brotli(&data));
            let gz = compressed(out_dir, &format!("{stem}.gz"), data.len(), gzip(&data));
            let sha256: String = Sha256::digest(&data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let _ = writeln!(
                code,
                "    Asset {{ name: {file:?}, identity: include_bytes!({:?}), br: {br}, \
                 gzip: {gz}, sha256: {sha256:?} }},",
                abs.display().to_string()
            );
        }
        code.push_str("];\n");
    }

    /// Writes `code` to `out_dir/assets.rs`, for `include!(concat!(env!("OUT_DIR"),
    /// "/assets.rs"))`.
    pub fn write(code: &str, out_dir: &Path) {
        let out = out_dir.join("assets.rs");
        if let Err(e) = std::fs::write(&out, code) {
            println!("cargo:warning=cannot write {}: {e}", out.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_is_preferred_then_gzip_then_identity() {
        assert_eq!(choose(["gzip, deflate, br, zstd"]), Coding::Br);
        assert_eq!(choose(["gzip, deflate"]), Coding::Gzip);
        assert_eq!(choose(["gzip", "br"]), Coding::Br);
        assert_eq!(choose(["deflate"]), Coding::Identity);
        assert_eq!(choose([]), Coding::Identity);
        assert_eq!(choose(["identity"]), Coding::Identity);
    }

    #[test]
    fn a_zero_weight_refuses_a_coding() {
        assert_eq!(choose(["br;q=0, gzip"]), Coding::Gzip);
        assert_eq!(choose(["br; q=0.0, gzip;q=0"]), Coding::Identity);
        assert_eq!(choose(["*"]), Coding::Br);
        assert_eq!(choose(["*, br;q=0"]), Coding::Gzip);
        assert_eq!(choose(["*;q=0"]), Coding::Identity);
        assert_eq!(choose(["BR;Q=0.5"]), Coding::Br);
        assert_eq!(choose(["br;q=nonsense, gzip"]), Coding::Gzip);
    }

    #[test]
    fn a_coding_that_is_not_stored_falls_back() {
        static ONLY_GZIP: Asset = Asset {
            name: "a.js",
            identity: b"plain",
            br: None,
            gzip: Some(b"gz"),
            sha256: "",
        };
        assert_eq!(ONLY_GZIP.coded(Coding::Br), (&b"gz"[..], Some("gzip")));
        assert_eq!(ONLY_GZIP.coded(Coding::Identity), (&b"plain"[..], None));
    }
}
