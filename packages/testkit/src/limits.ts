import { readFileSync } from 'node:fs';

/**
 * The open-files limit of this process (`ulimit -n`): soft and hard, from `/proc/self/limits`.
 * `undefined` where the system does not tell (not Linux). One simulated device holds one TCP
 * socket, so a process can simulate a little fewer devices than its soft limit.
 *
 * @example
 * ```ts
 * const limit = openFilesLimit();
 * if (limit && limit.soft < 12_000) console.warn('run `ulimit -n 20000` first');
 * ```
 */
export function openFilesLimit(): { soft: number; hard: number } | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const match = line?.match(/^Max open files\s+(\S+)\s+(\S+)/);
  if (match === null || match === undefined) return undefined;
  const value = (s: string | undefined) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  return { soft: value(match[1]), hard: value(match[2]) };
}

/** File descriptors kept free for the runtime, the broker connection of helpers, logs and stdio. */
export const FD_HEADROOM = 200;

/**
 * The most devices one process can simulate under its open-files limit (one socket each, minus
 * {@link FD_HEADROOM}); `Infinity` when the limit is unknown.
 *
 * @example
 * ```ts
 * maxSimulatedDevices(); // 19800 with `ulimit -n 20000`
 * ```
 */
export function maxSimulatedDevices(): number {
  const limit = openFilesLimit();
  return limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, limit.soft - FD_HEADROOM);
}
