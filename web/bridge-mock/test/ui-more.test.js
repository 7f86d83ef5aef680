import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMockBridge } from '../index.js';

test('ui.actionSheet: 1..6 items of 1..40 bytes; answers from its fixture queue', async () => {
  const m = createMockBridge({ fixtures: { actionSheet: [1, 'cancel'] } });
  assert.equal(await m.ui.actionSheet(['Edit', 'Delete']), 1);
  await assert.rejects(m.ui.actionSheet(['Edit']), { code: 'CANCELLED' });
  assert.equal(await m.ui.actionSheet(['Edit']), 0, 'queue used up: first item');
  await assert.rejects(m.ui.actionSheet([]), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.actionSheet(['1', '2', '3', '4', '5', '6', '7']), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.actionSheet(['']), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.actionSheet(['x'.repeat(41)]), { code: 'INVALID_ARGUMENT' });
  assert.equal(m.state.actionSheets.length, 3);
});

test('ui.showLoading / hideLoading keep the indicator state', async () => {
  const m = createMockBridge();
  await m.ui.showLoading('Saving');
  assert.equal(m.state.loading, 'Saving');
  await m.ui.hideLoading();
  assert.equal(m.state.loading, null);
  await assert.rejects(m.ui.showLoading(''), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.call('ui.hideLoading', { now: true }), { code: 'INVALID_ARGUMENT' });
});

test('ui.setNavigationBarColor: front #ffffff or #000000, background #rrggbb', async () => {
  const m = createMockBridge();
  await m.ui.setNavigationBarColor('#ffffff', '#1A2b3c');
  await assert.rejects(m.ui.setNavigationBarColor('#ff0000', '#000000'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(m.ui.setNavigationBarColor('#000000', 'red'), { code: 'INVALID_ARGUMENT' });
  assert.deepEqual(m.state.barColors, [{ frontColor: '#ffffff', backgroundColor: '#1A2b3c' }]);
});

test('ui.pickDate: real calendar dates within the range; the initial date by default', async () => {
  const m = createMockBridge({ fixtures: { date: ['2024-03-01', 'cancel'] } });
  assert.equal(await m.ui.pickDate('2024-02-29', { start: '2024-01-01', end: '2024-12-31' }), '2024-03-01');
  await assert.rejects(m.ui.pickDate('2024-02-29'), { code: 'CANCELLED' });
  assert.equal(await m.ui.pickDate('2024-02-29'), '2024-02-29');
  for (const [initial, range] of [
    ['2023-02-29', null],
    ['2024-13-01', null],
    ['24-01-01', null],
    ['2024-01-01', { start: '2024-06-01' }],
    ['2024-01-01', { end: '2023-12-31' }],
    ['2024-01-01', { end: '31.12.2024' }],
  ]) {
    await assert.rejects(m.ui.pickDate(initial, range), { code: 'INVALID_ARGUMENT' }, `${initial} ${JSON.stringify(range)}`);
  }
  m.fixtures.date = '1999-01-01';
  await assert.rejects(m.ui.pickDate('2024-01-01', { start: '2024-01-01' }), { code: 'INTERNAL', message: /fixture date/ });
});

test('the new ui methods need the ui permission', async () => {
  const m = createMockBridge({ permissions: ['device'] });
  await assert.rejects(m.ui.showLoading('x'), { code: 'PERMISSION_DENIED' });
  await assert.rejects(m.ui.pickDate('2024-01-01'), { code: 'PERMISSION_DENIED' });
  assert.equal(m.state.loading, null);
  assert.deepEqual(m.state.datePickers, []);
});
