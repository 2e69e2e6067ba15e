//! Attachments as people have them (crypto/SPEC.md §9.9, docs/design.md "Attachments"): a
//! photo whose Exif holds a GPS position arrives at the team without it and otherwise byte for
//! byte the same; a file of tens of MiB goes through in streamed pieces without the page's
//! WebAssembly memory growing with it.

use fantoccini::{Client, Locator};
use loket_crypto::FollowUpCode;
use loket_crypto::keyfile::{self, DEFAULT_PARAMS};
use loket_e2e::browser::{
    browser, capture_errors, click, type_into, wait_for, wait_msg, wait_text,
};
use loket_e2e::*;

/// A JPEG segment: marker, length, payload.
fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xff, marker];
    s.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// An Exif APP1 payload (big-endian TIFF) whose IFD0 names the camera and points to a GPS IFD
/// with latitude 52° 0' 41.76" N and longitude 4° 21' 25.56" E.
fn exif_with_gps() -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = tag.to_be_bytes().to_vec();
        e.extend_from_slice(&kind.to_be_bytes());
        e.extend_from_slice(&count.to_be_bytes());
        e.extend_from_slice(&value.to_be_bytes());
        e
    };
    // IFD0 at 8: Make (ASCII, at 38), GPSInfo pointer (to 44). 2 entries: 2 + 24 + 4 = 30 bytes.
    t.extend_from_slice(&2u16.to_be_bytes());
    t.extend(entry(0x010f, 2, 6, 38));
    t.extend(entry(0x8825, 4, 1, 44));
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(b"Phone\0"); // 38..44
    // GPS IFD at 44: 4 entries (2 + 48 + 4 = 54 bytes), rationals at 98 and 122.
    t.extend_from_slice(&4u16.to_be_bytes());
    t.extend(entry(0x0001, 2, 2, u32::from_be_bytes(*b"N\0\0\0")));
    t.extend(entry(0x0002, 5, 3, 98));
    t.extend(entry(0x0003, 2, 2, u32::from_be_bytes(*b"E\0\0\0")));
    t.extend(entry(0x0004, 5, 3, 122));
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len(), 98);
    for (num, den) in [(52, 1), (0, 1), (4176, 100), (4, 1), (21, 1), (2556, 100)] {
        t.extend_from_slice(&u32::to_be_bytes(num));
        t.extend_from_slice(&u32::to_be_bytes(den));
    }
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(t);
    payload
}

/// A photo as a phone writes it: SOI, JFIF, Exif with GPS, tables, a frame, a scan, EOI.
/// Returns it and what it must become: the same bytes without the Exif segment.
fn photo() -> (Vec<u8>, Vec<u8>) {
    let soi = vec![0xff, 0xd8];
    let jfif = segment(0xe0, b"JFIF\0\x01\x01\0\0\x48\0\x48\0\0");
    let exif = segment(0xe1, &exif_with_gps());
    let mut rest = segment(0xdb, &[[0u8].as_slice(), &[1u8; 64]].concat());
    rest.extend(segment(0xc0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
    rest.extend(segment(
        0xc4,
        &[[0u8, 0, 1].as_slice(), &[0u8; 14], &[0]].concat(),
    ));
    rest.extend(segment(0xda, &[1, 1, 0, 0, 0x3f, 0]));
    // Entropy-coded data with a stuffed FF 00, then EOI.
    rest.extend_from_slice(&[0x7f, 0xa2, 0x8a, 0xff, 0x00, 0x28, 0xa0, 0x0f, 0xff, 0xd9]);
    let photo = [soi.as_slice(), &jfif, &exif, &rest].concat();
    let clean = [soi.as_slice(), &jfif, &rest].concat();
    (photo, clean)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Picks `path` in the file input and attaches it; returns the status line.
async fn attach(c: &Client, path: &std::path::Path) -> String {
    c.find(Locator::Css("#attachment-file"))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    click(c, "#attach").await;
    wait_msg(c, "file-attached").await
}

async fn attr(c: &Client, css: &str, name: &str) -> String {
    wait_for(c, css)
        .await
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_arrives_without_its_gps_position_and_a_large_file_streams() {
    let app = TestApp::sqlite().await;
    let team = app.team_app().await;
    let (member_id, member_key) = app.add_member("Casey (CCP)", &["ccp"]).await;
    let passphrase = "a long demo passphrase";
    let key_file =
        keyfile::encrypt(&mut rand::rng(), &member_key, passphrase, DEFAULT_PARAMS).unwrap();
    let files = tempfile::tempdir().unwrap();
    let (photo, clean) = photo();
    assert!(loket_scrub::plan_of(loket_scrub::Kind::Jpeg, &photo).is_ok());
    let photo_path = files.path().join("IMG_2041.jpg");
    std::fs::write(&photo_path, &photo).unwrap();

    // The reporter sends a report and opens the follow-up page with the code.
    let b = browser().await;
    let c = &b.client;
    c.goto(&app.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#lang-en").await;
    type_into(
        c,
        "#report-text",
        "Report 0c41: the photo shows the damage.",
    )
    .await;
    click(c, "#role-ccp").await;
    click(c, "#submit-report").await;
    let code = wait_text(c, "#code", "the follow-up code", |t| {
        FollowUpCode::parse(t.trim()).is_ok()
    })
    .await;
    click(c, "#code-saved").await;
    click(c, "#nav-followup").await;
    type_into(c, "#code-input", code.trim()).await;
    click(c, "#open-thread").await;
    wait_text(c, "#thread", "the thread", |t| t.contains("Report 0c41")).await;

    // 1. The photo: the app says what it removed, in words and in its test hook.
    let said = attach(c, &photo_path).await;
    assert!(said.contains("Removed before encryption"), "{said}");
    assert!(said.contains("Exif"), "{said}");
    wait_for(c, "div.attach[data-removed='exif']").await;
    wait_for(c, "#thread article[data-attachment='IMG_2041.jpg']").await;

    // ... the same in Dutch for a second copy.
    click(c, "#lang-nl").await;
    let said = attach(c, &photo_path).await;
    assert!(said.contains("Verwijderd vóór het versleutelen"), "{said}");
    click(c, "#lang-en").await;

    // 2. A large file (48 MiB, a kind that is not cleaned) goes through in streamed pieces.
    // The page's WebAssembly memory only grows: it must not grow by anything like the file (the
    // old way held the file and its ciphertext, twice its size). The JS heap is sampled too.
    let big_len: usize = 48 << 20;
    let big: Vec<u8> = (0..big_len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let big_path = files.path().join("recording.bin");
    std::fs::write(&big_path, &big).unwrap();
    let before: u64 = attr(c, "div.attach", "data-wasm-memory")
        .await
        .parse()
        .unwrap();
    c.execute(
        "window.__peakHeap = 0; window.__heapTimer = setInterval(() => { \
           if (performance.memory) window.__peakHeap = Math.max(window.__peakHeap, \
             performance.memory.usedJSHeapSize); }, 50);",
        vec![],
    )
    .await
    .unwrap();
    let said = attach(c, &big_path).await;
    assert!(said.contains("not checked"), "{said}");
    wait_for(c, "div.attach[data-removed='unchecked']").await;
    let after: u64 = attr(c, "div.attach", "data-wasm-memory")
        .await
        .parse()
        .unwrap();
    let peak_heap = c
        .execute(
            "clearInterval(window.__heapTimer); return window.__peakHeap;",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap_or(0.0);
    eprintln!(
        "48 MiB attachment: WebAssembly memory {:.1} MiB before, {:.1} MiB after; \
         peak JS heap {:.1} MiB",
        before as f64 / 1048576.0,
        after as f64 / 1048576.0,
        peak_heap / 1048576.0
    );
    assert!(
        after - before < 16 << 20,
        "the WebAssembly memory grew by {} bytes for a {big_len}-byte file",
        after - before
    );

    // 3. A member unlocks the key file in the team's app and downloads the photo: the saved
    // size is that of the cleaned photo.
    c.new_window(true).await.unwrap();
    let windows = c.windows().await.unwrap();
    c.switch_to_window(windows.last().unwrap().clone())
        .await
        .unwrap();
    c.goto(&team.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#lang-en").await;
    type_into(c, "#key-file", &key_file).await;
    type_into(c, "#passphrase", passphrase).await;
    click(c, "#unlock").await;
    click(c, ".inbox-item").await;
    wait_text(c, "#attachments", "the attachment list", |t| {
        t.contains("IMG_2041.jpg") && t.contains("recording.bin")
    })
    .await;
    click(
        c,
        "#attachments li[data-attachment='IMG_2041.jpg'] .download",
    )
    .await;
    let saved = wait_msg(c, "file-saved").await;
    assert!(
        saved.contains(&format!("IMG_2041.jpg ({} bytes)", clean.len())),
        "{saved}"
    );
    b.client.close().await.unwrap();

    // 4. What the team decrypts: the photo without Exif and GPS, every other byte the same;
    // the large file whole.
    let token = team_login(&app, &member_id, &member_key).await;
    let (_, inbox) = app.get("/api/v1/team/inbox", Some(&token)).await;
    let inbox: loket_wire::api::Inbox = serde_json::from_value(inbox).unwrap();
    let (_, report) = app
        .get(
            &format!("/api/v1/team/reports/{}", inbox.reports[0].report_id),
            Some(&token),
        )
        .await;
    let report: loket_wire::api::TeamReport = serde_json::from_value(report).unwrap();
    let dir = app.directory().await;
    let opened = open_report(member_key.identity(), &report.envelope).unwrap();
    let mut got = Vec::new();
    for message in &report.messages {
        let (_, reference) = loket_client::open_message_with_attachment(
            member_key.identity(),
            &dir,
            &opened,
            &report.report_id,
            &loket_wire::api::Author::Reporter,
            &message.envelope,
        )
        .unwrap();
        let reference = reference.unwrap();
        let stored = report
            .attachments
            .iter()
            .find(|a| a.attachment_id == reference.attachment_id)
            .unwrap();
        let ciphertext = app.download_attachment(&token, stored).await;
        let file =
            loket_client::open_attachment(member_key.identity(), &reference, &ciphertext).unwrap();
        got.push((reference.name.clone(), file));
    }
    assert_eq!(got.len(), 3);
    for (name, file) in &got[..2] {
        assert_eq!(name, "IMG_2041.jpg");
        assert_eq!(
            file.as_slice(),
            clean.as_slice(),
            "the photo's other bytes are unchanged"
        );
        assert!(!contains(file, b"Exif"));
        assert!(!contains(file, &4176u32.to_be_bytes()), "no GPS rational");
        assert!(!contains(file, b"Phone"));
    }
    assert_eq!(got[2].0, "recording.bin");
    assert!(
        got[2].1.as_slice() == big.as_slice(),
        "the large file arrived whole"
    );
    app.shutdown().await;
}
