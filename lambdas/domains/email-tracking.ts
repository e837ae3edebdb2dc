/**
 * SES open and click tracking, per sending domain (docs/decisions/0029-open-and-click-tracking-per-domain.md).
 * SES tracks opens (a pixel) and clicks (rewritten links) exactly when the configuration set a
 * message is sent with has an event destination for OPEN or CLICK, so there is one configuration
 * set per combination, and each send names the one its from domain's settings choose. Off unless
 * the domain turns it on.
 */
export interface EmailTracking {
  readonly open: boolean;
  readonly click: boolean;
}

export const NO_TRACKING: EmailTracking = Object.freeze({ open: false, click: false });

export const TRACKING_MODES = ['none', 'open', 'click', 'open_click'] as const;
export type TrackingMode = (typeof TRACKING_MODES)[number];

export function trackingMode(tracking: EmailTracking): TrackingMode {
  if (tracking.open && tracking.click) return 'open_click';
  if (tracking.open) return 'open';
  return tracking.click ? 'click' : 'none';
}

export function trackingOf(mode: TrackingMode): EmailTracking {
  return { open: mode === 'open' || mode === 'open_click', click: mode === 'click' || mode === 'open_click' };
}

/** Where the sending Lambda finds each mode's configuration set name. */
export const CONFIGURATION_SET_ENV: Readonly<Record<TrackingMode, string>> = {
  none: 'SES_CONFIGURATION_SET',
  open: 'SES_CONFIGURATION_SET_OPEN',
  click: 'SES_CONFIGURATION_SET_CLICK',
  open_click: 'SES_CONFIGURATION_SET_OPEN_CLICK',
};

export type ConfigurationSets = Readonly<Partial<Record<TrackingMode, string>>>;

/** The configuration sets named in the environment (an unset or empty variable names none). */
export function configurationSetsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): ConfigurationSets {
  return Object.fromEntries(
    TRACKING_MODES.flatMap((mode) => {
      const name = env[CONFIGURATION_SET_ENV[mode]];
      return name ? [[mode, name]] : [];
    }),
  );
}

/**
 * The configuration set a send names. A mode without a set of its own falls back to the set without
 * tracking, never to one that tracks more than the domain asked for.
 */
export function configurationSetFor(sets: ConfigurationSets, tracking: EmailTracking): string | undefined {
  return sets[trackingMode(tracking)] ?? sets.none;
}
