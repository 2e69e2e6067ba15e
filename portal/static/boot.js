// Starts the portal. Kept as a separate file (no inline script) so the Content-Security-Policy
// can stay at script-src 'self' 'wasm-unsafe-eval'.
const message = document.getElementById('boot-message');
function fail(text) {
  if (message) {
    message.textContent = text;
    message.className = 'boot-error';
  }
}
if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
  fail('This portal encrypts your report inside your browser before sending it, and needs ' +
    'WebAssembly to do so. WebAssembly is switched off or missing in this browser. In Tor ' +
    'Browser, choose the security level "Standard" for this site; otherwise use a current ' +
    'version of Firefox, Chrome, Edge or Safari.');
} else {
  import('/loket_portal.js')
    .then((m) => m.default({ module_or_path: '/loket_portal_bg.wasm' }))
    .catch(() => fail('The portal could not start in this browser. WebAssembly may be ' +
      'blocked by a security setting (in Tor Browser: choose the security level "Standard"). ' +
      'Reload the page to try again.'));
}
