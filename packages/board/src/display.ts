import type { PlayoutAdapter } from '@nguon/device';
import type { Playlist } from './playlist';

/**
 * Words a board draws itself (the rest comes from the bulletin). Defaults are Vietnamese; a board
 * in a Khmer- or Cham-speaking commune may pass its own.
 *
 * @example
 * ```ts
 * const labels: Partial<BoardLabels> = { emergency: 'Thông báo khẩn cấp — ប្រកាសបន្ទាន់' };
 * ```
 */
export interface BoardLabels {
  /** The red banner of an emergency takeover (P-Q4). */
  emergency: string;
  /** The band over a `priority` (ưu tiên) slide. */
  priority: string;
  /** The heading of the idle rotation. */
  recent: string;
  /** The line drawn on the self-test pattern. */
  testPattern: string;
}

/**
 * Vietnamese labels used when none are given.
 *
 * @example `VIETNAMESE_LABELS.emergency // 'Thông báo khẩn cấp'`
 */
export const VIETNAMESE_LABELS: Readonly<BoardLabels> = Object.freeze({
  emergency: 'Thông báo khẩn cấp',
  priority: 'Thông tin ưu tiên',
  recent: 'Bản tin gần đây',
  testPattern: 'Kiểm tra màn hình: Ủy ban nhân dân xã — tiếng Việt có dấu ỆỞỮ',
});

/**
 * What the screen shows now: the idle screen (clock and rotation), a slide, an emergency takeover
 * or the self-test pattern.
 *
 * @example
 * ```ts
 * const state: ShowingState = { layout: 'emergency', bulletinId: 'gl-2026-17', lang: 'vi', since: Date.now() };
 * ```
 */
export interface ShowingState {
  layout: 'idle' | 'slide' | 'emergency' | 'test';
  bulletinId?: string;
  lang?: string;
  /** When it appeared (ms since epoch, on the board's clock). */
  since: number;
}

/**
 * A bulletin board as the device runtime drives it ({@link PlayoutAdapter} of kind `board`), with
 * what boards add: brightness, an idle rotation of recent bulletins and a view of what is on
 * screen. The result of `play` is the proof of display the device signs into a receipt (P-R1):
 * `completed` only when the content was on a visible screen for its whole time.
 *
 * @example
 * ```ts
 * const board: BoardDisplay = new DomBoardAdapter({ element: document.getElementById('board')! });
 * await board.setBrightness(60);
 * board.showing().layout; // 'idle'
 * ```
 */
export interface BoardDisplay extends PlayoutAdapter {
  readonly kind: 'board';
  /** The idle rotation of recent non-emergency bulletins. */
  readonly playlist: Playlist;
  /** Sets the brightness, 0 (dark) to 100 (full). Emergencies always show at full brightness. */
  setBrightness(level: number): Promise<void>;
  /** The brightness last set, 0–100. */
  brightness(): number;
  /** Takes a bulletin out of the idle rotation (after `bulletin.revoke`). */
  forget(bulletinId: string): void;
  /** What is on screen now. */
  showing(): ShowingState;
}
