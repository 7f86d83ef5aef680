export { attachEvents, isEventMessage, isLifecycleEvent, ANY_EVENT, BridgeEvents, EventListener } from './index.js';
