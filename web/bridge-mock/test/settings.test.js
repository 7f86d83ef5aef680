import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge } from '../index.js';

test('settings reports declared permissions: granted, denied by the user or host, not asked', async () => {
  const m = createMockBridge({ permissions: ['storage'], fixtures: { declined: ['location', 'ui'], notAsked: ['clipboard'] } });
  assert.deepEqual(await m.settings.permissions(), [
    { permission: 'storage', state: 'granted', active: true },
    { permission: 'location', state: 'denied', active: false },
    { permission: 'ui', state: 'denied', active: false },
    { permission: 'clipboard', state: 'notAsked', active: false },
  ]);
});

test('settings.request asks again once per launch; a yes is active from the next launch', async () => {
  const m = createMockBridge({ permissions: ['storage'], fixtures: { declined: ['location', 'ui'], consent: ['agree'] } });
  assert.deepEqual(await m.settings.request('location'), { permission: 'location', state: 'granted', active: false });
  await assert.rejects(m.geolocation.currentPosition(), { code: 'PERMISSION_DENIED' });
  // not sensitive: withheld by the host, nobody asked
  assert.deepEqual(await m.settings.request('ui'), { permission: 'ui', state: 'denied', active: false });
  for (const bad of ['payment', 'microphone', '', 7, undefined]) {
    await assert.rejects(m.settings.request(bad), { code: 'INVALID_ARGUMENT' }, String(bad));
  }
  assert.deepEqual(m.state.consentRequests, ['location']);

  const no = createMockBridge({ permissions: [], fixtures: { declined: ['location'], consent: ['decline', 'agree'] } });
  for (let i = 0; i < 2; i += 1) {
    assert.equal((await no.settings.request('location')).state, 'denied');
  }
  assert.deepEqual(no.state.consentRequests, ['location'], 'no nagging');
});

test('settings.openHostSettings opens the page, or is UNAVAILABLE; needs no permission', async () => {
  const m = createMockBridge({ permissions: [] });
  assert.equal(await m.settings.openHostSettings(), null);
  assert.equal(m.state.settingsOpened, 1);
  await assert.rejects(m.call('settings.openHostSettings', { app: 'com.other.app' }), { code: 'INVALID_ARGUMENT' });
  assert.equal(m.state.settingsOpened, 1);
  const none = createMockBridge({ fixtures: { settingsPage: 'unavailable' } });
  await assert.rejects(none.settings.openHostSettings(), { code: 'UNAVAILABLE' });
  assert.equal(none.state.settingsOpened, 0);
});
