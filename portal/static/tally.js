// The team's statistics in a Web Worker (portal/src/tally.rs; its WebAssembly is
// portal/src/tally_main.rs): the pages parsed, every statistics part and case record decrypted
// and turned into facts, off the page. One job per worker: the page ends it when the answer arrives, and the
// keys in its memory go with it. Loaded from this origin only (script-src 'self').
import init, { tally } from './loket_tally.js';

const ready = init({ module_or_path: new URL('loket_tally_bg.wasm', import.meta.url) });

self.onmessage = async (event) => {
  const job = event.data;
  try {
    await ready;
    if (job.kind === 'tally') {
      const facts = tally(job.job, job.statistics, job.inbox, job.member, job.stats);
      job.member.fill(0);
      job.stats.fill(0);
      self.postMessage({ kind: 'done', value: facts });
    } else {
      self.postMessage({ kind: 'error' });
    }
  } catch (_) {
    // Never a key or a fact: the page counts on its own instead.
    self.postMessage({ kind: 'error' });
  }
};
