import type { CommandOf } from '@nguon/protocol';

/**
 * The device configuration (`welcome.config`, `config.set`): volume, emergency volume, heartbeat,
 * language order, time zone, quiet hours, broadcast windows, attention signal.
 *
 * @example
 * ```ts
 * const config: DeviceConfig = { configVersion: 3, volume: 70, languages: ['jra', 'vi'] };
 * ```
 */
export type DeviceConfig = CommandOf<'config.set'>['body'];

/**
 * Defaults where the system has said nothing (P-D3): volume 80, emergency volume 100, heartbeat
 * 60 s, languages `['vi']`, time zone Asia/Ho_Chi_Minh.
 *
 * @example `const volume = config.volume ?? CONFIG_DEFAULTS.volume`
 */
export const CONFIG_DEFAULTS = {
  volume: 80,
  emergencyVolume: 100,
  heartbeatSec: 60,
  languages: ['vi'],
  timeZone: 'Asia/Ho_Chi_Minh',
} as const;

/**
 * Applies a `config.set` (P-D3): only a `configVersion` higher than the one held changes anything,
 * and only the fields present change. Returns the new config, or `undefined` when the update is
 * stale.
 *
 * @example
 * ```ts
 * mergeConfig({ configVersion: 1, volume: 50 }, { configVersion: 2, languages: ['ede'] });
 * // { configVersion: 2, volume: 50, languages: ['ede'] }
 * ```
 */
export function mergeConfig(held: DeviceConfig, update: DeviceConfig): DeviceConfig | undefined {
  if (!(update.configVersion > held.configVersion)) return undefined;
  const merged: Record<string, unknown> = { ...held };
  for (const [key, value] of Object.entries(update)) if (value !== undefined) merged[key] = value;
  return merged as DeviceConfig;
}

/**
 * Picks the content to play (P-B1): the first language of `languages` that the bulletin has (a tag
 * matches the same tag or a more specific one, `vi` matches `vi-VN`), else `vi`, else the first
 * content.
 *
 * @example
 * ```ts
 * chooseContent([{ lang: 'vi' }, { lang: 'jra' }], ['jra', 'vi']); // { lang: 'jra' }
 * ```
 */
export function chooseContent<C extends { lang: string }>(
  contents: readonly C[],
  languages: readonly string[],
): C {
  const matches = (lang: string, wanted: string) => {
    const a = lang.toLowerCase();
    const b = wanted.toLowerCase();
    return a === b || a.startsWith(`${b}-`);
  };
  for (const wanted of [...languages, 'vi']) {
    const found = contents.find((c) => matches(c.lang, wanted));
    if (found !== undefined) return found;
  }
  const first = contents[0];
  if (first === undefined) throw new RangeError('chooseContent: expected at least one content, found none');
  return first;
}
