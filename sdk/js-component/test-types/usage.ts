// Compiled by test.sh (tsc --noEmit), never run (outside node --test's patterns): the declarations accept what ComponentizeJS gives
// and what the README shows, and refuse what the SDK would throw on.
import { createBridge, type ComponentImports, type NetworkType, type SystemInfo } from '../index.js';
import { componentImports, mockBridge, type SyncBridge } from '../mock.js';

// Import namespaces shaped as jco's generated declarations for the WIT are.
const imports: ComponentImports = {
  haptics: {
    vibrateShort(style: 'light' | 'medium' | 'heavy') {},
    vibrateLong() {},
    notify(kind: 'success' | 'warning' | 'error') {},
    selectionChanged() {},
  },
  navigation: {
    openMiniProgram(appId: string, path: string | undefined, extraData: string | undefined) {},
    openUrl(url: string) {},
    exit() {},
  },
  device: {
    info: () => ({ platform: 'ios', hostVersion: '1.0.0', locale: 'en-US', screen: { width: 1, height: 1, scale: 1 } }),
    vibrate(millis: number) {},
    networkType: (): 'wifi' | 'cellular' | 'ethernet' | 'none' | 'unknown' => 'wifi',
    battery: () => ({ level: 50, charging: true }),
    setKeepScreenOn(keepOn: boolean) {},
    systemInfo: () => ({ brand: 'b', model: 'm', osVersion: '1', theme: 'dark' as const, fontScale: 1 }),
  },
};
const bridge = createBridge(imports);

bridge.haptics.vibrateShort('heavy');
bridge.haptics.notify('error');
// @ts-expect-error not an impact-style case
bridge.haptics.vibrateShort('strong');
// @ts-expect-error not a haptic-notification case
bridge.haptics.notify('info');
bridge.navigation.openMiniProgram('com.acme.pay');
bridge.navigation.openMiniProgram('com.acme.pay', { path: '/checkout', extraData: '{}' });
bridge.navigation.openMiniProgram('com.acme.pay', null);
// @ts-expect-error the target is an object, not the WIT's positional path
bridge.navigation.openMiniProgram('com.acme.pay', '/checkout');
const net: NetworkType = bridge.device.networkType();
const info: SystemInfo = bridge.device.systemInfo();
const level: number = bridge.device.battery().level;
bridge.device.setKeepScreenOn(true);
// @ts-expect-error keepOn is a boolean
bridge.device.setKeepScreenOn('yes');
const index: number = bridge.ui.actionSheet(['Edit', 'Delete']);
const date: string = bridge.ui.pickDate('2026-03-01', { start: '2026-01-01' });
bridge.ui.pickDate('2026-03-01');
// @ts-expect-error the range is an object, not the WIT's positional start
bridge.ui.pickDate('2026-03-01', '2026-01-01');
bridge.ui.setNavigationBarColor('#ffffff', '#112233');
// @ts-expect-error the front colour is #ffffff or #000000
bridge.ui.setNavigationBarColor('#fff', '#112233');
bridge.ui.showLoading('Saving');
bridge.ui.hideLoading();

declare const web: SyncBridge;
mockBridge(web, ['haptics', 'navigation', 'log']).navigation.exit();
// @ts-expect-error not an interface
componentImports(web, ['network']);
export { net, info, level, index, date };

// Lifecycle events: the parsed event narrows its data by name.
import { parseEvent, LIFECYCLE_EVENTS, type LifecycleEventName } from '../index.js';
const event = parseEvent('memoryWarning', '{"level":"critical"}');
if (event?.name === 'memoryWarning') {
  const level: 'moderate' | 'critical' = event.data.level;
  void level;
}
if (event?.name === 'updateReady') {
  const version: string = event.data.version;
  void version;
}
const names: readonly LifecycleEventName[] = LIFECYCLE_EVENTS;
void names;
