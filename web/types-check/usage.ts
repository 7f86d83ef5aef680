// Type-checked (never run) by `npm run typecheck` in web/: the published declarations of both
// packages hold together, and a page's typical calls get the types the contract gives them.
import connect, {
  BridgeError,
  LIMITS,
  METHODS,
  type Bridge,
  type ChosenImage,
  type DeviceInfo,
  type FileInfo,
  type MethodParams,
  type MethodResult,
  type PermissionStatus,
  type Receipt,
  type Token,
  storageEntryBytes,
} from '@miniapp/bridge';
import { permissionFor } from '@miniapp/bridge/protocol';
import { createMockBridge } from 'mini-program-bridge-mock';

async function page(bridge: Bridge): Promise<void> {
  const receipt: Receipt = await bridge.payment.pay({
    orderId: 'o-1',
    amountMinor: 499,
    currency: 'EUR',
    description: 'tea',
  });
  const token: Token = await bridge.auth.getToken(['profile']);
  const info: DeviceInfo = await bridge.device.info();
  const index: number = await bridge.ui.modal('Pay?', `${receipt.transactionId} ${token.scopes}`, ['Yes', 'No']);
  const usage = await bridge.call('storage.usage');
  const used: number = usage.usedBytes + storageEntryBytes(1, 1) + LIMITS.storageKeyBytes + index;
  const params: MethodParams<'payment.query'> = { orderId: receipt.orderId };
  const again: MethodResult<'payment.query'> = await bridge.call('payment.query', params);
  const permission: 'payment' | null = METHODS['payment.pay'] === 'payment' ? 'payment' : null;
  console.log(info.screen.scale, used, again.paidAt, permission, permissionFor('log.log'));
  await bridge.haptics.vibrateShort('medium');
  await bridge.haptics.notify('success');
  await bridge.navigation.openMiniProgram('com.globex.b', { path: '/offer' });
  const opened: null = await bridge.navigation.openUrl('https://acme.example');
  console.log(opened);
  const statuses: PermissionStatus[] = await bridge.settings.permissions();
  const asked: PermissionStatus = await bridge.settings.request('location');
  console.log(statuses.map((s) => s.state), asked.active, await bridge.settings.openHostSettings());
  const secret: string | null = await bridge.secureStorage.get('refresh');
  const removed: boolean = await bridge.secureStorage.remove('refresh');
  console.log(secret, removed, await bridge.secureStorage.set('refresh', 's3cret'));
  const file: FileInfo = await bridge.files.stat('notes/a.txt');
  const listing: FileInfo[] = await bridge.files.list();
  console.log(file.modifiedAt, listing.length, await bridge.files.read('notes/a.txt'));
  const code: string = (await bridge.auth.loginCode()).code;
  const avatar: string | null = (await bridge.auth.profile()).avatarUrl;
  console.log(code, avatar, await bridge.biometrics.authenticate('Confirm the transfer'));
  const image: ChosenImage = await bridge.media.chooseImage({ source: 'camera', maxBytes: 100_000 });
  const scanned: string = (await bridge.media.scanCode()).text;
  console.log(image.data.length, image.mimeType, scanned);
  const pending: string | null = (await bridge.updates.check()).pending;
  const launchMs: number | undefined = (await bridge.performance.metrics()).launch?.instantiateMs;
  console.log(pending, launchMs, (await bridge.updates.status()).current);
  // @ts-expect-error: `screen` is not an image source.
  await bridge.media.chooseImage({ source: 'screen' });
  const allowed: boolean = await bridge.notifications.requestPermission();
  console.log(allowed, await bridge.notifications.schedule({ id: 'due', title: 'Due', at: 2_000_000_000 }));
  // @ts-expect-error: `microphone` is not a permission.
  await bridge.settings.request('microphone');
  // @ts-expect-error: `thunder` is not an impact style.
  await bridge.haptics.vibrateShort('thunder');
  // @ts-expect-error: the contract's params for storage.get have no `value`.
  await bridge.call('storage.get', { key: 'k', value: 1 });
}

async function test(): Promise<void> {
  const mock = createMockBridge({ permissions: ['storage', 'payment'] });
  await page(mock);
  try {
    await mock.ui.toast('hi');
  } catch (e) {
    if (e instanceof BridgeError && e.code === 'PERMISSION_DENIED') return;
  }
  await page(connect());
}

void test;

// Events: a standard name types its data; a host's own name gets any JSON; '*' hears all.
function events(bridge: Bridge): void {
  const stop: () => void = bridge.on('memoryWarning', (data) => {
    const level: 'moderate' | 'critical' = data.level;
    void level;
  });
  bridge.on('updateReady', (data, name) => {
    const version: string = data.version;
    const n: 'updateReady' = name;
    void version;
    void n;
  });
  bridge.on('back', (data) => void data);
  bridge.on('*', (_data, name: string) => void name);
  // @ts-expect-error memoryWarning's data has no `version`
  bridge.on('memoryWarning', (data) => data.version);
  stop();
  const mock = createMockBridge();
  mock.emit('memoryWarning', { level: 'critical' });
  mock.emit('show');
  // @ts-expect-error an unknown level
  mock.emit('memoryWarning', { level: 'severe' });
  const sent: number = mock.events.length;
  void sent;
}
void events;
