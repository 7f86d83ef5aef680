export { attachHelpers, BridgeHelpers, BridgeCaller, Bridge, CallOptions } from './index.js';
