import { describe, expect, it } from 'vitest';
import { editDistance, nearestName } from '#core/nearest-name.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['BTCUSDT', 'BTCUSDT', 0],
    ['BTCUSD', 'BTCUSDT', 1],
    ['MIAN', 'MAIN', 1], // a swap of neighbours is one edit
    ['ETHUSDT', 'BTCUSDT', 2],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('nearestName', () => {
  const names = ['main', 'BTCUSDT', 'ETHUSDT', 'BTCUSD_PERP'];
  it.each([
    ['BTCUSD', 'BTCUSDT'],
    ['mian', 'main'],
    ['Main', 'main'], // case does not count
    ['btcusdt', 'BTCUSDT'],
    ['BTC', 'BTCUSDT'], // none close: the shortest name it begins
    ['NOSUCH', null],
    ['', null],
    ['X'.repeat(300), null],
  ])('%s → %s', (typed, nearest) => {
    expect(nearestName(typed, names)).toBe(nearest);
  });
});
