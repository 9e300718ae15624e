import { describe, expect, it } from 'vitest';
import { niceAxis, niceStep, tickFormatter } from './ticks';

describe('chart ticks', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(1.5, 4)).toBe(0.5);
    expect(niceStep(7.5e-4, 4)).toBe(2e-4);
    expect(niceStep(97, 4)).toBe(50);
    expect(niceStep(3, 4)).toBe(1);
  });

  it('covers a loss range with round ticks, written alike', () => {
    const axis = niceAxis(5.371, 6.87, 4);
    expect(axis.ticks).toEqual([5, 5.5, 6, 6.5, 7]);
    expect(axis.domain).toEqual([5, 7]);
    expect(axis.ticks.map(tickFormatter(axis.step, 'en-US'))).toEqual(['5.0', '5.5', '6.0', '6.5', '7.0']);
    expect(axis.ticks.map(tickFormatter(axis.step, 'es-ES'))).toEqual(['5,0', '5,5', '6,0', '6,5', '7,0']);
  });

  it('reads a decaying learning rate against 0, in one format', () => {
    const axis = niceAxis(0, 7.5e-4, 4, true);
    expect(axis.ticks).toEqual([0, 2e-4, 4e-4, 6e-4, 8e-4]);
    expect(axis.ticks.map(tickFormatter(axis.step, 'en-US'))).toEqual(['0.0000', '0.0002', '0.0004', '0.0006', '0.0008']);
    expect(axis.ticks.map(tickFormatter(axis.step, 'en-US')).map(Number)).toEqual(axis.ticks);
  });

  it('widens a flat series around its value, never below 0', () => {
    const axis = niceAxis(5e-5, 5e-5, 4);
    expect(axis.domain[0]).toBeGreaterThanOrEqual(0);
    expect(axis.domain[0]).toBeLessThan(5e-5);
    expect(axis.domain[1]).toBeGreaterThan(5e-5);
    expect(niceAxis(3, 3, 4).ticks.every((t) => t >= 0)).toBe(true);
  });

  it('writes tiny steps in scientific notation, 0 as 0', () => {
    const format = tickFormatter(2e-8, 'en-US');
    expect([0, 2e-8, 4e-8].map(format)).toEqual(['0', '2E-8', '4E-8']);
  });

  it('has no rounding noise in the ticks', () => {
    expect(niceAxis(0.1, 0.7, 6).ticks).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  });
});
