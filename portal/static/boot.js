// Starts one of Loket's apps (the module named by <html data-app>, next to this file). Kept as
// a separate file (no inline script) so the Content-Security-Policy can stay at
// script-src 'self' 'wasm-unsafe-eval'. It runs before any WebAssembly, so it cannot know the
// reader's language: every message is given in Dutch and in English.
const nl = document.getElementById('boot-message');
const en = document.getElementById('boot-message-en');
function fail(textNl, textEn) {
  for (const [el, text] of [[nl, textNl], [en, textEn]]) {
    if (el) {
      el.textContent = text;
      el.className = 'boot-error';
    }
  }
}
const app = document.documentElement.dataset.app;
if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
  fail('Dit portaal versleutelt je melding in je browser voordat hij wordt verstuurd, en heeft ' +
    'daarvoor WebAssembly nodig. WebAssembly staat uit of ontbreekt in deze browser. Kies in Tor ' +
    'Browser voor deze site het beveiligingsniveau "Standaard"; gebruik anders een recente ' +
    'versie van Firefox, Chrome, Edge of Safari.',
  'This portal encrypts your report inside your browser before sending it, and needs ' +
    'WebAssembly to do so. WebAssembly is switched off or missing in this browser. In Tor ' +
    'Browser, choose the security level "Standard" for this site; otherwise use a current ' +
    'version of Firefox, Chrome, Edge or Safari.');
} else {
  import(new URL(`${app}.js`, import.meta.url).href)
    .then((m) => m.default({ module_or_path: new URL(`${app}_bg.wasm`, import.meta.url) }))
    .catch(() => fail('Het portaal kon in deze browser niet starten. Misschien blokkeert een ' +
      'beveiligingsinstelling WebAssembly (in Tor Browser: kies het beveiligingsniveau ' +
      '"Standaard"). Laad de pagina opnieuw om het nog eens te proberen.',
    'The portal could not start in this browser. WebAssembly may be blocked by a security ' +
      'setting (in Tor Browser: choose the security level "Standard"). Reload the page to try ' +
      'again.'));
}
