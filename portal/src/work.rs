//! The reporter's slow work off the main thread: Argon2id of the follow-up code and the proof
//! of work run in a Web Worker (static/work.js, with the small module of src/work/main.rs), so
//! that the page keeps answering, painting and showing progress while they run.
//!
//! One job per worker: when its answer arrives the worker is ended, and the master secret and
//! the 64 MiB of Argon2id go with its memory. A fresh worker is started ahead for the next job
//! ([`warm_up`] starts the first one when the reporter begins a form, so that its module has
//! loaded by the time it is needed). Where a browser cannot start the worker (no module
//! workers, a blocked script), the same work runs on the page, as before.

use std::cell::RefCell;

use js_sys::{Object, Promise, Reflect, Uint8Array};
use loket_crypto::{CodeError, FollowUpCode, MasterSecret, ReporterKeys};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};
use zeroize::Zeroizing;

/// The worker's script, next to the app's own files.
const SCRIPT: &str = "work.js";

thread_local! {
    /// A worker started ahead, ready for the next job.
    static SPARE: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

fn start_worker() -> Option<Worker> {
    start_script(SCRIPT)
}

/// A module worker running `script` (a file next to the app's own).
fn start_script(script: &str) -> Option<Worker> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    Worker::new_with_options(script, &options).ok()
}

/// Starts a worker ahead of the first job, if none is waiting: the page calls it when the
/// reporter starts on a form, long before Argon2id is needed.
pub fn warm_up() {
    SPARE.with(|spare| {
        let mut spare = spare.borrow_mut();
        if spare.is_none() {
            *spare = start_worker();
        }
    });
}

fn take_worker() -> Option<Worker> {
    SPARE
        .with(|spare| spare.borrow_mut().take())
        .or_else(start_worker)
}

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// The handlers a job's worker calls; kept alive until its answer has arrived.
type Handlers = (
    Closure<dyn FnMut(MessageEvent)>,
    Closure<dyn FnMut(JsValue)>,
);

/// Runs `job` in a worker, calling `progress` with each progress message, and returns the
/// `value` of its answer. `None` when the worker could not do it: no worker in this browser,
/// its script or module did not load, or the job failed. The worker is ended either way.
async fn run(job: &Object, progress: impl Fn(u32) + 'static) -> Option<JsValue> {
    let worker = take_worker()?;
    let answer = run_on(&worker, job, progress).await;
    warm_up();
    answer
}

/// Runs `job` in a fresh worker of `script` (another app's worker, such as the team's
/// statistics, static/tally.js), like the reporter's jobs: `None` when it could not, and the
/// worker is ended either way.
pub async fn run_script(script: &str, job: &Object) -> Option<JsValue> {
    let worker = start_script(script)?;
    run_on(&worker, job, |_| {}).await
}

/// Posts `job` to `worker` and waits for its answer; ends the worker.
async fn run_on(
    worker: &Worker,
    job: &Object,
    progress: impl Fn(u32) + 'static,
) -> Option<JsValue> {
    let mut progress = Some(progress);
    let mut handlers: Option<Handlers> = None;
    let answer = Promise::new(&mut |resolve, reject| {
        let progress = progress.take();
        let failed = reject.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            match field(&data, "kind").as_string().as_deref() {
                Some("progress") => {
                    if let (Some(progress), Some(done)) = (&progress, field(&data, "done").as_f64())
                    {
                        progress(done as u32);
                    }
                }
                Some("done") => {
                    let _ = resolve.call1(&JsValue::NULL, &field(&data, "value"));
                }
                _ => {
                    let _ = failed.call0(&JsValue::NULL);
                }
            }
        });
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            let _ = reject.call0(&JsValue::NULL);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        handlers = Some((on_message, on_error));
    });
    let answer = match worker.post_message(job) {
        Ok(()) => wasm_bindgen_futures::JsFuture::from(answer).await.ok(),
        Err(_) => None,
    };
    worker.terminate();
    worker.set_onmessage(None);
    worker.set_onerror(None);
    drop(handlers);
    answer
}

/// A job for a worker: its `kind` and its fields.
pub fn job(kind: &str, fields: &[(&str, JsValue)]) -> Object {
    let job = Object::new();
    let _ = Reflect::set(&job, &JsValue::from_str("kind"), &JsValue::from_str(kind));
    for (name, value) in fields {
        let _ = Reflect::set(&job, &JsValue::from_str(name), value);
    }
    job
}

/// Where a job ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ran {
    Worker,
    Page,
}

impl Ran {
    /// Its name in the page (`data-ran` of the time shown after sending; the tests read it).
    pub fn name(self) -> &'static str {
        match self {
            Ran::Worker => "worker",
            Ran::Page => "page",
        }
    }
}

/// Argon2id of `code` under the deployment `salt`, then the reporter's keys
/// ([`FollowUpCode::derive`]), with the slow half in a worker; and where it ran.
pub async fn derive(code: &FollowUpCode, salt: &[u8]) -> Result<(ReporterKeys, Ran), CodeError> {
    let job = job(
        "stretch",
        &[
            ("code", JsValue::from_str(&code.display())),
            ("salt", Uint8Array::from(salt).into()),
        ],
    );
    if let Some(master) = run(&job, |_| {}).await
        && let Some(master) = master.dyn_ref::<Uint8Array>()
        && master.length() == 32
    {
        let mut bytes = Zeroizing::new([0u8; 32]);
        master.copy_to(bytes.as_mut_slice());
        master.fill(0, 0, 32);
        let keys = ReporterKeys::from_master(&MasterSecret::from_bytes(*bytes));
        return Ok((keys, Ran::Worker));
    }
    // On the page: let the status line paint before Argon2id holds the main thread.
    crate::browser::pause(40).await;
    Ok((code.derive(salt)?, Ran::Page))
}

/// What a worker answered to a proof of work.
pub enum Solved {
    /// The nonce, or `None` when none below 2^40 works.
    Nonce(Option<u64>),
    /// No worker could do it: the page must.
    NoWorker,
}

/// Searches a nonce for `challenge` at `bits` in a worker, calling `progress` with the share
/// of the expected work done (0 to 99) as it goes.
pub async fn solve(challenge: &[u8], bits: u8, progress: impl Fn(u32) + 'static) -> Solved {
    let job = job(
        "solve",
        &[
            ("challenge", Uint8Array::from(challenge).into()),
            ("bits", JsValue::from(bits)),
        ],
    );
    match run(&job, progress).await {
        Some(nonce) if nonce.is_null() => Solved::Nonce(None),
        Some(nonce) => match nonce.as_f64() {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n < 2f64.powi(53) => {
                Solved::Nonce(Some(n as u64))
            }
            _ => Solved::NoWorker,
        },
        None => Solved::NoWorker,
    }
}
