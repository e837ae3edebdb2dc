import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  configurationSetFor,
  configurationSetsFromEnv,
  TRACKING_MODES,
  trackingMode,
  trackingOf,
} from '../../../../lambdas/domains/email-tracking.js';

const SETS = { none: 'set-none', open: 'set-open', click: 'set-click', open_click: 'set-both' };

describe('per-domain open and click tracking', () => {
  it.each([
    [{ open: false, click: false }, 'set-none'],
    [{ open: true, click: false }, 'set-open'],
    [{ open: false, click: true }, 'set-click'],
    [{ open: true, click: true }, 'set-both'],
  ])('%j sends with %s', (tracking, set) => {
    expect(configurationSetFor(SETS, tracking)).toBe(set);
  });

  it('modes and settings map one to one', () => {
    for (const mode of TRACKING_MODES) expect(trackingMode(trackingOf(mode))).toBe(mode);
    fc.assert(
      fc.property(fc.record({ open: fc.boolean(), click: fc.boolean() }), (tracking) => {
        expect(trackingOf(trackingMode(tracking))).toEqual(tracking);
      }),
    );
  });

  it('a mode without its own set falls back to the set without tracking, never a tracking one', () => {
    fc.assert(
      fc.property(
        fc.subarray([...TRACKING_MODES]),
        fc.record({ open: fc.boolean(), click: fc.boolean() }),
        (present, tracking) => {
          const sets = Object.fromEntries(present.map((mode) => [mode, `set-${mode}`]));
          const chosen = configurationSetFor(sets, tracking);
          const mode = trackingMode(tracking);
          expect(chosen).toBe(sets[mode] ?? sets.none);
        },
      ),
    );
  });

  it('reads the four sets from the environment, ignoring empty values', () => {
    expect(
      configurationSetsFromEnv({
        SES_CONFIGURATION_SET: 'a',
        SES_CONFIGURATION_SET_OPEN: 'b',
        SES_CONFIGURATION_SET_CLICK: '',
        SES_CONFIGURATION_SET_OPEN_CLICK: 'd',
      }),
    ).toEqual({ none: 'a', open: 'b', open_click: 'd' });
  });
});
