import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge } from '../index.js';

test('biometrics.authenticate: recognised, cancelled, unavailable; bad reasons INVALID_ARGUMENT without a prompt; denied without the permission', async () => {
  const m = createMockBridge({ fixtures: { biometrics: ['recognised', 'cancel', 'unavailable'] } });
  assert.equal(await m.biometrics.authenticate('Confirm the transfer'), null);
  await assert.rejects(m.biometrics.authenticate('Again'), { code: 'CANCELLED' });
  await assert.rejects(m.biometrics.authenticate('Once more'), { code: 'UNAVAILABLE' });
  for (const reason of ['', '   ', 'x'.repeat(201), 'a\u0000b', 5]) {
    await assert.rejects(m.biometrics.authenticate(reason), { code: 'INVALID_ARGUMENT' }, JSON.stringify(reason));
  }
  assert.deepEqual(m.state.biometricPrompts, ['Confirm the transfer', 'Again']);
  const denied = createMockBridge({ permissions: ['storage'] });
  await assert.rejects(denied.biometrics.authenticate('x'), { code: 'PERMISSION_DENIED' });
  assert.deepEqual(denied.state.biometricPrompts, []);
});
