// The web mock, from this repository's web/ workspace (`npm ci --prefix web` links its
// @miniapp/bridge dependency; sdk/js-component/test.sh runs it when needed).
export { createMockBridge } from '../../../web/bridge-mock/index.js';
export * as protocol from '../../../web/bridge/protocol.js';
