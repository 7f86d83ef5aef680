import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge, DEFAULT_IMAGE, DEFAULT_SCAN } from '../index.js';

const JPEG = { mimeType: 'image/jpeg', data: 'A'.repeat(4000), width: 64, height: 48 }; // 3000 bytes

test('media.chooseImage: the default PNG, scripted images, cancel, over maxBytes QUOTA_EXCEEDED', async () => {
  const m = createMockBridge({ fixtures: { images: ['cancel', JPEG, JPEG] } });
  await assert.rejects(m.media.chooseImage(), { code: 'CANCELLED' });
  await assert.rejects(m.media.chooseImage({ source: 'camera', maxBytes: 2999 }), { code: 'QUOTA_EXCEEDED' });
  assert.deepEqual(await m.media.chooseImage({ maxBytes: 3000 }), JPEG);
  assert.deepEqual(await m.media.chooseImage(), DEFAULT_IMAGE);
  assert.equal(Buffer.from(DEFAULT_IMAGE.data, 'base64').subarray(1, 4).toString(), 'PNG');
  for (const bad of [{ maxBytes: 0 }, { maxBytes: 4 * 1024 * 1024 + 1 }, { maxBytes: 1.5 }, { source: 'screen' }]) {
    await assert.rejects(m.media.chooseImage(bad), { code: 'INVALID_ARGUMENT' }, JSON.stringify(bad));
  }
  await assert.rejects(m.call('media.chooseImage', { quality: 1 }), { code: 'INVALID_ARGUMENT' });
  assert.deepEqual(m.state.mediaShown, ['album', 'camera', 'album', 'album']);
});

test('media.scanCode: scripted codes, cancel; no camera UNAVAILABLE; denied without the permission', async () => {
  const code = { text: '4006381333931', format: 'ean-13' };
  const m = createMockBridge({ fixtures: { scans: [code, 'cancel'] } });
  assert.deepEqual(await m.media.scanCode(), code);
  await assert.rejects(m.media.scanCode(), { code: 'CANCELLED' });
  assert.deepEqual(await m.media.scanCode(), DEFAULT_SCAN);
  assert.deepEqual(m.state.mediaShown, ['scanner', 'scanner', 'scanner']);

  const none = createMockBridge({ fixtures: { camera: 'unavailable' } });
  await assert.rejects(none.media.scanCode(), { code: 'UNAVAILABLE' });
  await assert.rejects(none.media.chooseImage({ source: 'camera' }), { code: 'UNAVAILABLE' });
  assert.deepEqual(await none.media.chooseImage({ source: 'album' }), DEFAULT_IMAGE);

  const denied = createMockBridge({ permissions: ['storage'] });
  await assert.rejects(denied.media.scanCode(), { code: 'PERMISSION_DENIED' });
  await assert.rejects(denied.media.chooseImage(), { code: 'PERMISSION_DENIED' });
  assert.deepEqual(denied.state.mediaShown, []);
});
