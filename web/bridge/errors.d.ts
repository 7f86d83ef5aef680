export { BridgeError, BridgeErrorCode, HostErrorCode, BridgeErrorBody } from './index.js';
