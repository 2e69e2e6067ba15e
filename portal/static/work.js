// The reporter's slow work in a Web Worker (portal/src/work.rs starts it, portal/src/work/main.rs
// is its WebAssembly): Argon2id of the follow-up code, and the proof of work. One job per
// worker: the page ends the worker when the answer arrives, and every secret in its memory goes
// with it. Loaded from this origin only (Content-Security-Policy script-src 'self').
import init, { stretch, solve } from './loket_work.js';

const ready = init({ module_or_path: new URL('loket_work_bg.wasm', import.meta.url) });

self.onmessage = async (event) => {
  const job = event.data;
  try {
    await ready;
    if (job.kind === 'stretch') {
      const master = stretch(job.code, job.salt);
      self.postMessage({ kind: 'done', value: master }, [master.buffer]);
    } else if (job.kind === 'solve') {
      const nonce = solve(job.challenge, job.bits, (done) => self.postMessage({ kind: 'progress', done }));
      self.postMessage({ kind: 'done', value: nonce === undefined ? null : nonce });
    } else {
      self.postMessage({ kind: 'error' });
    }
  } catch (_) {
    // Never the code or the reason: the page falls back to doing the work itself.
    self.postMessage({ kind: 'error' });
  }
};
