// mini-program-bridge-mock: the miniapp bridge, fully in memory, for unit tests of mini-program pages.

export {
  createMockBridge,
  decodeMockToken,
  DEFAULT_QUOTA_BYTES,
  DEFAULT_APP_ID,
  DEFAULT_POSITION,
  DEFAULT_DEVICE_INFO,
  DEFAULT_BATTERY,
  DEFAULT_SYSTEM_INFO,
  DEFAULT_IMAGE,
  DEFAULT_SCAN,
} from './mock.js';
export { BridgeError } from '@miniapp/bridge/errors';
export { createMockBridge as default } from './mock.js';
