// {{id}}: a web mini-program. Its only way out is the bridge (`@miniapp/bridge`), which the
// host serves; calls answer or throw a BridgeError with a stable `code`.
import connect from '@miniapp/bridge';

const bridge = connect();
const $ = (id) => document.getElementById(id);

async function main() {
  const name = new URLSearchParams(location.search).get('name') ?? 'world';
  const answer = { hello: name, language: 'web' };
{{#storage}}
  // Bridge storage: per app, kept across launches and updates.
  const launches = ((await bridge.storage.get('launches')) ?? 0) + 1;
  await bridge.storage.set('launches', launches);
  answer.launches = launches;
{{/storage}}
  $('greeting').textContent = JSON.stringify(answer);
  // For tests and the console: what this page answered.
  window.app = { bridge, answer };
  $('status').textContent = 'ready';
}

main().catch((e) => {
  $('status').textContent = `failed: ${e.code ?? ''} ${e.message}`;
});
