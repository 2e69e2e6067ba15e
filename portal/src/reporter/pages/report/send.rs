//! Seals and sends a report; says on the status line what happened.

use crate::Ctx;
use crate::api::{self, ApiFailure};
use crate::browser::now_ms;
use crate::pow::proof_of_work;
use leptos::prelude::WithValue;
use loket_client::{ClientError, StatisticsPart, Submission};
use loket_crypto::FollowUpCode;
use loket_wire::B64;
use loket_wire::api::{Directory, RECEIPT_FORMAT, ReceiptFile, SubmitReport};
use loket_wire::pow::PowPurpose;

use super::Sent;

fn not_sent(ctx: Ctx, e: ApiFailure) {
    ctx.error("report-not-sent", |l| (l.t().report_not_sent)(e.text(l)));
}

/// Generates a code, derives the keys, signs and seals the report to the members of its
/// roles (except the excluded ones) and to the reporter, seals the statistics part to the
/// statistics key, solves the proof of work and sends both. `None` when it was not sent (the
/// status line says why).
pub async fn send_report(
    ctx: Ctx,
    dir: &Directory,
    submission: Submission,
    statistics: StatisticsPart,
) -> Option<Sent> {
    ctx.busy("report-encrypting", |l| l.t().report_encrypting.into());
    let code = FollowUpCode::generate(&mut rand::rng());
    let start = now_ms();
    let (keys, ran) = match crate::work::derive(&code, &dir.deployment_salt.0).await {
        Ok(derived) => derived,
        Err(e) => {
            ctx.error("code-error", |l| (l.t().code_error)(&e));
            return None;
        }
    };
    let argon2_ms = (now_ms() - start).max(1.0) as u64;
    let sealed = loket_client::seal_submission(&mut rand::rng(), dir, &keys, &submission).and_then(
        |report| {
            let part = loket_client::seal_statistics(&mut rand::rng(), dir, &keys, &statistics)?;
            Ok((report, part))
        },
    );
    let Submission {
        roles, excluded, ..
    } = submission;
    let (envelope, statistics) = match sealed {
        Ok(e) => e,
        Err(ClientError::NoReaders) => {
            ctx.error("report-no-readers", |l| l.t().report_no_readers.into());
            return None;
        }
        Err(e) => {
            let why = |l: crate::Lang| (l.t().client_error)(&e);
            ctx.error("report-not-sent", |l| (l.t().report_not_sent)(why(l)));
            return None;
        }
    };
    let pow = match proof_of_work(ctx, PowPurpose::Submit, |t| t.report_pow).await {
        Ok(pow) => pow,
        Err(e) => {
            not_sent(ctx, e);
            return None;
        }
    };
    ctx.busy("report-sending", |l| l.t().report_sending.into());
    let request = SubmitReport {
        lookup_token: B64(keys.lookup_token.to_vec()),
        roles,
        envelope,
        pow,
        excluded,
        statistics,
    };
    match api::submit_report(&request).await {
        Ok(answer) => Some(Sent {
            code: code.display().to_string(),
            argon2_ms,
            argon2_ran: ran,
            received: answer.received,
            receipt: receipt_file(ctx, dir, &request.envelope, answer.receipt),
        }),
        Err(e) => {
            not_sent(ctx, e);
            None
        }
    }
}

/// The receipt as a file to download, once it verifies against the directory's receipt key
/// and the envelope just sent (SPEC §9.2); `None` otherwise.
pub fn receipt_file(
    ctx: Ctx,
    dir: &Directory,
    envelope: &B64,
    receipt: loket_wire::api::Receipt,
) -> Option<String> {
    loket_client::verify_receipt(dir, envelope, &receipt).ok()?;
    let directory = ctx.signed_directory.with_value(Clone::clone)?;
    let file = ReceiptFile {
        format: RECEIPT_FORMAT.into(),
        receipt,
        directory,
    };
    serde_json::to_string(&file).ok()
}
