import type { CachedMedia, Clock, HelloCapabilities, PlayoutItem, PlayResult } from '@nguon/device';
import { type BrightnessPeriod, BrightnessSchedule, checkLevel } from './brightness';
import { type BoardDisplay, type BoardLabels, type ShowingState, VIETNAMESE_LABELS } from './display';
import { BoardError } from './errors';
import { Playlist, type PlaylistOptions } from './playlist';
import { BOARD_CSS } from './styles';
import { displayText, fontStackFor, paragraphsOf } from './typography';

/**
 * Options of {@link DomBoardAdapter}.
 *
 * @example
 * ```ts
 * const options: DomBoardAdapterOptions = { element: document.getElementById('board')!, slideSec: 15 };
 * ```
 */
export interface DomBoardAdapterOptions {
  /** The element the board draws into; give it a size (a kiosk page: the whole window). */
  element: HTMLElement;
  /** Times slides and the idle screen (default: the system clock). */
  clock?: Clock;
  /** Seconds a slide without video or audio stays up (default 20). */
  slideSec?: number;
  /** Seconds an emergency without video or audio stays up, unless revoked first (default 120). */
  emergencySec?: number;
  /** Seconds between entries of the idle rotation; `false` shows only the clock (default 12). */
  rotationSec?: number | false;
  /** Seconds the self-test pattern stays on screen (default 3). */
  testPatternSec?: number;
  /** Limits of the idle rotation. */
  playlist?: PlaylistOptions;
  /** Words the board draws itself (default Vietnamese). */
  labels?: Partial<BoardLabels>;
  /** Font families to try before the built-in stacks, e.g. a font the kiosk page loads. */
  fonts?: string[];
  /** IANA time zone of the idle clock (default `Asia/Ho_Chi_Minh`). */
  timeZone?: string;
  /** Brightness at start, 0–100 (default 100). */
  brightness?: number;
  /** Called with every new brightness (0–100), e.g. to drive the panel's backlight. */
  onBrightness?: (level: number) => void | Promise<void>;
  /**
   * Brightness by time of day in `timeZone`, e.g. `[{ from: '22:00', to: '05:00', level: 30 }]`:
   * the first period that holds the current time wins; outside them, `brightness` applies.
   */
  brightnessSchedule?: BrightnessPeriod[];
  /** `hello` says the screen is colour (default true); set false for monochrome LED boards. */
  color?: boolean;
  /** MIME types announced in `hello` (default: images the browser decodes, video and audio it can play). */
  mime?: string[];
}

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/svg+xml', 'image/avif'];
const PLAYABLE_TYPES = [
  'video/mp4',
  'video/webm',
  'video/ogg',
  'audio/mpeg',
  'audio/ogg',
  'audio/aac',
  'audio/wav',
];
const STYLE_ID = 'nguon-board-style';
const MAX_DELAY_MS = 2_147_000_000;

const defaultClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

type Check = { name: string; ok: boolean; message?: string };

/**
 * A bulletin board drawn with the DOM of a browser page (a kiosk in full screen, a signage player,
 * a web view on an Android box). It implements `PlayoutAdapter` of `@nguon/device` with kind
 * `board`:
 *
 * - a `normal` or `priority` item is a slide: title, text (NFC, `lang` set, fonts for its script),
 *   images in turn, a video or audio track; it ends after `slideSec` or when the media ends;
 * - an `emergency` takes over the whole viewport with a red banner (P-Q4), at full brightness,
 *   until it ends or its signal aborts it (revoke, preemption, stop);
 * - an aborted play leaves the screen at once and resolves `interrupted`;
 * - between plays an idle screen shows the time and a rotation of recent bulletins.
 *
 * `completed` is only returned when the slide was drawn on a visible element of non-zero size and
 * its images decoded: the receipt the device signs from it is a proof of display.
 *
 * @example
 * ```ts
 * const board = new DomBoardAdapter({ element: document.getElementById('board')! });
 * const result = await board.play(item, new AbortController().signal); // { outcome: 'completed' }
 * ```
 */
export class DomBoardAdapter implements BoardDisplay {
  readonly kind = 'board' as const;
  readonly playlist: Playlist;
  readonly #root: HTMLElement;
  readonly #doc: Document;
  readonly #clock: Clock;
  readonly #slideMs: number;
  readonly #emergencyMs: number;
  readonly #rotationMs: number | false;
  readonly #testMs: number;
  readonly #labels: BoardLabels;
  readonly #fonts: string[];
  readonly #clockFormat: Intl.DateTimeFormat;
  readonly #dateFormat: Intl.DateTimeFormat;
  readonly #onBrightness: ((level: number) => void | Promise<void>) | undefined;
  readonly #color: boolean;
  readonly #mime: string[] | undefined;
  readonly #dim: HTMLElement;
  #layer: HTMLElement | undefined;
  #active: AbortController | undefined;
  #media: HTMLMediaElement | undefined;
  #brightness: number;
  #baseBrightness: number;
  #schedule: BrightnessSchedule | undefined;
  #scheduleTimer: unknown;
  #showing: ShowingState;
  #idleTimers: unknown[] = [];
  #closed = false;

  constructor(options: DomBoardAdapterOptions) {
    const element = options?.element as unknown;
    if (
      typeof element !== 'object' ||
      element === null ||
      (element as Node).nodeType !== 1 ||
      !(element as Node).ownerDocument
    ) {
      throw new BoardError(
        'element_missing',
        `DomBoardAdapter options.element: expected an HTML element, found ${element === null ? 'null' : typeof element}`,
      );
    }
    this.#root = element as HTMLElement;
    this.#doc = this.#root.ownerDocument;
    this.#clock = options.clock ?? defaultClock;
    this.#slideMs = seconds('slideSec', options.slideSec, 20);
    this.#emergencyMs = seconds('emergencySec', options.emergencySec, 120);
    this.#testMs = seconds('testPatternSec', options.testPatternSec, 3);
    this.#rotationMs =
      options.rotationSec === false ? false : seconds('rotationSec', options.rotationSec, 12);
    this.#labels = { ...VIETNAMESE_LABELS, ...options.labels };
    this.#fonts = options.fonts ?? [];
    this.#onBrightness = options.onBrightness;
    this.#color = options.color ?? true;
    this.#mime = options.mime;
    this.#baseBrightness = checkLevel('brightness', options.brightness ?? 100);
    this.#brightness = this.#baseBrightness;
    const timeZone = options.timeZone ?? 'Asia/Ho_Chi_Minh';
    try {
      this.#clockFormat = new Intl.DateTimeFormat('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone });
      this.#dateFormat = new Intl.DateTimeFormat('vi-VN', { dateStyle: 'full', timeZone });
    } catch (cause) {
      throw new BoardError(
        'invalid_option',
        `DomBoardAdapter options.timeZone: expected an IANA time zone such as 'Asia/Ho_Chi_Minh', found '${timeZone}'`,
        { cause },
      );
    }
    if (options.brightnessSchedule && options.brightnessSchedule.length > 0) {
      this.#schedule = new BrightnessSchedule(options.brightnessSchedule, {
        timeZone,
        where: 'DomBoardAdapter options.brightnessSchedule',
      });
    }
    this.playlist = new Playlist(options.playlist);
    this.#installStyles();
    this.#root.classList.add('nb-root');
    this.#root.setAttribute('data-nguon-board', '');
    this.#dim = this.#el('div', 'nb-dim');
    this.#dim.setAttribute('aria-hidden', 'true');
    this.#root.append(this.#dim);
    this.#showing = { layout: 'idle', since: this.#clock.now() };
    this.#applyDim();
    this.#showIdle();
    if (this.#schedule) this.#followSchedule();
  }

  /**
   * `hello.capabilities.display` (P-H2): the board element's size in device pixels (the screen's
   * when the element has no size yet), colour, and the MIME types this browser can show.
   *
   * @example `board.capabilities().display?.width // 1920`
   */
  capabilities(): HelloCapabilities {
    const view = this.#doc.defaultView;
    const ratio = view?.devicePixelRatio || 1;
    const rect = this.#root.getBoundingClientRect();
    const width = Math.round((rect.width || view?.screen.width || 1) * ratio);
    const height = Math.round((rect.height || view?.screen.height || 1) * ratio);
    return {
      display: {
        width: Math.max(1, width),
        height: Math.max(1, height),
        color: this.#color,
        mime: this.#mimeList(),
      },
    };
  }

  /**
   * Shows one item and resolves when it ends: `completed` (shown for its whole time on a visible
   * screen), `interrupted` (the signal aborted it, or another play replaced it), or `failed` with
   * the reason (element without size, an image that does not decode, a video that errors).
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * const shown = board.play(item, controller.signal);
   * controller.abort(); // the slide leaves the screen at once
   * (await shown).outcome; // 'interrupted'
   * ```
   */
  async play(item: PlayoutItem, signal: AbortSignal): Promise<PlayResult> {
    if (this.#closed) return { outcome: 'failed', reason: 'the board was closed' };
    this.#active?.abort();
    this.#stopMedia();
    if (signal.aborted) return { outcome: 'interrupted', reason: 'aborted before display' };
    const own = new AbortController();
    const onAbort = () => own.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#active = own;
    const objectUrls: string[] = [];
    let result: PlayResult = { outcome: 'interrupted', reason: 'replaced by another play' };
    try {
      result = await this.#present(item, own.signal, objectUrls);
      return result;
    } catch (error) {
      result = {
        outcome: 'failed',
        reason: `display error: ${error instanceof Error ? error.message : String(error)}`,
      };
      return result;
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (result.outcome === 'completed' && !item.emergency && (item.title || item.text)) {
        this.playlist.upsert({
          bulletinId: item.bulletinId,
          version: item.version,
          lang: item.lang,
          ...(item.title === undefined ? {} : { title: item.title }),
          ...(item.text === undefined ? {} : { text: item.text }),
          shownAt: this.#clock.now(),
        });
      }
      if (this.#active === own) {
        this.#active = undefined;
        this.#stopMedia();
        this.#showIdle();
      }
      const url = this.#doc.defaultView?.URL;
      for (const objectUrl of objectUrls) url?.revokeObjectURL(objectUrl);
    }
  }

  /**
   * Sets the volume (0–100) of the video or audio playing now; later plays take `item.volume`.
   *
   * @example `await board.setVolume(40)`
   */
  async setVolume(volume: number): Promise<void> {
    const value = checkLevel('volume', volume);
    if (this.#media) applyVolume(this.#media, value);
  }

  /**
   * Sets the brightness, 0–100, by dimming the page (and calls `onBrightness` so a vendor can drive
   * the backlight). An emergency takeover always shows at full brightness.
   *
   * @example `await board.setBrightness(30) // night`
   */
  async setBrightness(value: number): Promise<void> {
    this.#baseBrightness = checkLevel('brightness', value);
    this.#brightness = this.#scheduledLevel() ?? this.#baseBrightness;
    this.#applyDim();
    await this.#onBrightness?.(this.#brightness);
  }

  /** The brightness in force (the scheduled one inside a period). @example `board.brightness() // 100` */
  brightness(): number {
    return this.#brightness;
  }

  /**
   * Takes a bulletin out of the idle rotation and redraws the idle screen if it showed it.
   *
   * @example `board.forget('gl-2026-000123')`
   */
  forget(bulletinId: string): void {
    if (this.playlist.remove(bulletinId) && this.#showing.layout === 'idle') this.#showIdle();
  }

  /** @example `board.showing().layout // 'idle'` */
  showing(): ShowingState {
    return { ...this.#showing };
  }

  /**
   * Screen check for `device.selftest`: draws a test pattern (colour bars and Vietnamese text) for
   * `testPatternSec` when nothing plays, and measures it: the element's size, colours read back
   * exactly from a canvas, tone marks drawn above and below the letter (not boxes), the sample
   * text laid out with its diacritics intact, and what media the browser can play.
   *
   * @example
   * ```ts
   * const { ok, checks } = await board.selfTest();
   * checks.find((c) => c.name === 'screen.size')?.message; // '1920×1080'
   * ```
   */
  async selfTest(): Promise<{ ok: boolean; checks: Check[] }> {
    const checks: Check[] = [];
    const busy = this.#active !== undefined || this.#closed;
    let pattern: HTMLElement | undefined;
    if (!busy) {
      pattern = this.#testPattern();
      this.#swap(pattern, { layout: 'test', since: this.#clock.now() });
    }
    try {
      const rect = this.#root.getBoundingClientRect();
      const sized = rect.width >= 1 && rect.height >= 1;
      checks.push({
        name: 'screen.size',
        ok: sized,
        message: sized
          ? `${Math.round(rect.width)}×${Math.round(rect.height)}`
          : `the board element has no size (${rect.width}×${rect.height}); give it a width and height`,
      });
      checks.push(this.#colourCheck());
      checks.push(this.#glyphCheck());
      if (pattern) {
        const line = pattern.querySelector('p');
        const box = line?.getBoundingClientRect();
        const intact = line?.textContent === displayText(this.#labels.testPattern);
        checks.push({
          name: 'text.layout',
          ok: Boolean(box && box.width > 0 && box.height > 0 && intact),
          message: intact
            ? `laid out ${Math.round(box?.width ?? 0)}px wide`
            : 'the sample text changed on its way to the screen',
        });
      }
      const playable = this.#mimeList().filter((type) => !type.startsWith('image/'));
      checks.push({
        name: 'media.playable',
        ok: playable.length > 0,
        message: playable.length > 0 ? playable.join(', ') : 'this browser plays no video or audio type',
      });
      if (pattern) await this.#sleep(this.#testMs, new AbortController().signal);
    } finally {
      if (pattern && this.#layer === pattern) this.#showIdle();
    }
    return { ok: checks.every((check) => check.ok), checks };
  }

  /**
   * Ends what is on screen (`interrupted`), stops the idle timers and removes the board's layers.
   *
   * @example `await board.close()`
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clock.clearTimeout(this.#scheduleTimer);
    this.#active?.abort();
    this.#clearIdleTimers();
    this.#stopMedia();
    this.#layer?.remove();
    this.#layer = undefined;
    this.#dim.remove();
    this.#root.classList.remove('nb-root');
    this.#root.removeAttribute('data-nguon-board');
  }

  async #present(item: PlayoutItem, signal: AbortSignal, objectUrls: string[]): Promise<PlayResult> {
    const images = [...(item.images ?? [])];
    let track: (CachedMedia & { durationSec?: number }) | undefined;
    if (item.media?.mime.startsWith('image/')) images.unshift(item.media);
    else if (item.media) track = item.media;
    const title = item.title === undefined ? '' : displayText(item.title);
    const paragraphs = item.text === undefined ? [] : paragraphsOf(item.text);
    if (!title && paragraphs.length === 0 && images.length === 0 && !track) {
      return { outcome: 'failed', reason: 'nothing to show: the content has no title, text or media' };
    }

    const layer = this.#el('article', `nb-layer ${item.emergency ? 'nb-emergency' : 'nb-slide'}`);
    layer.lang = item.lang;
    layer.style.fontFamily = fontStackFor(item.lang, this.#fonts);
    layer.dataset.bulletinId = item.bulletinId;
    layer.dataset.priority = item.priority;
    if (item.emergency) {
      layer.setAttribute('role', 'alert');
      const banner = this.#el('header', 'nb-banner', `⚠ ${this.#labels.emergency}`);
      banner.lang = 'vi';
      layer.append(banner);
    } else if (item.priority === 'priority') {
      const band = this.#el('div', 'nb-band', this.#labels.priority);
      band.lang = 'vi';
      layer.append(band);
    }
    if (title) layer.append(this.#el('h1', 'nb-title', title));
    const body = this.#el('div', 'nb-body');
    if (paragraphs.length > 0) {
      const text = this.#el('div', 'nb-text');
      for (const paragraph of paragraphs) text.append(this.#el('p', '', paragraph));
      body.append(text);
    }
    const imageElements: HTMLImageElement[] = [];
    let mediaElement: HTMLMediaElement | undefined;
    if (images.length > 0 || track) {
      const pane = this.#el('div', 'nb-media');
      for (const [index, image] of images.entries()) {
        const img = this.#el('img', '') as HTMLImageElement;
        img.alt = title;
        img.dataset.sha256 = image.sha256;
        img.hidden = index > 0;
        img.src = this.#urlOf(image, objectUrls);
        imageElements.push(img);
        pane.append(img);
      }
      if (track) {
        const isVideo = track.mime.startsWith('video/');
        mediaElement = this.#el(isVideo ? 'video' : 'audio', '') as HTMLMediaElement;
        mediaElement.preload = 'auto';
        mediaElement.setAttribute('playsinline', '');
        mediaElement.dataset.sha256 = track.sha256;
        mediaElement.src = this.#urlOf(track, objectUrls);
        applyVolume(mediaElement, item.volume);
        if (isVideo) {
          // The video is the main content: pictures of the same bulletin stay off screen.
          for (const img of imageElements) img.remove();
          imageElements.length = 0;
          pane.append(mediaElement);
        }
      }
      body.append(pane);
    }
    layer.append(body);
    this.#swap(layer, {
      layout: item.emergency ? 'emergency' : 'slide',
      bulletinId: item.bulletinId,
      lang: item.lang,
      since: this.#clock.now(),
    });

    for (const img of imageElements) {
      const decoded = await untilAborted(
        img.decode().then(
          () => undefined,
          () => `image ${img.dataset.sha256} (${img.src.slice(0, 40)}) could not be decoded`,
        ),
        signal,
      );
      if (decoded.aborted) return { outcome: 'interrupted', reason: 'aborted' };
      if (decoded.value) return { outcome: 'failed', reason: decoded.value };
    }
    this.#fit(layer, item.emergency);
    const hidden = this.#hiddenReason(layer);
    if (hidden) return { outcome: 'failed', reason: hidden };

    const run = () => {
      if (mediaElement && track) return this.#playTrack(mediaElement, track, imageElements, item, signal);
      const ms = item.emergency ? this.#emergencyMs : this.#slideMs;
      return this.#rotateImages(imageElements, ms, signal).then(
        (done): PlayResult =>
          done ? { outcome: 'completed' } : { outcome: 'interrupted', reason: 'aborted' },
      );
    };
    return this.#whileVisible(run);
  }

  // A display only counts if the page stayed visible all along (P-BD1).
  async #whileVisible(run: () => Promise<PlayResult>): Promise<PlayResult> {
    const since = this.#clock.now();
    let hiddenAt: number | undefined;
    const onVisibility = () => {
      if (hiddenAt === undefined && this.#doc.visibilityState === 'hidden') hiddenAt = this.#clock.now();
    };
    this.#doc.addEventListener('visibilitychange', onVisibility);
    try {
      const result = await run();
      if (result.outcome !== 'completed' || hiddenAt === undefined) return result;
      return {
        outcome: 'failed',
        reason: `the page was hidden ${Math.round((hiddenAt - since) / 1000)} s into the display`,
      };
    } finally {
      this.#doc.removeEventListener('visibilitychange', onVisibility);
    }
  }

  async #playTrack(
    element: HTMLMediaElement,
    track: CachedMedia & { durationSec?: number },
    images: HTMLImageElement[],
    item: PlayoutItem,
    signal: AbortSignal,
  ): Promise<PlayResult> {
    this.#media = element;
    if (element.tagName === 'AUDIO') this.#layer?.append(element);
    const ended = new Promise<PlayResult>((resolve) => {
      element.addEventListener('ended', () => resolve({ outcome: 'completed' }), { once: true });
      element.addEventListener(
        'error',
        () =>
          resolve({ outcome: 'failed', reason: `media ${track.sha256} (${track.mime}) could not be played` }),
        { once: true },
      );
    });
    try {
      await element.play();
    } catch (error) {
      // Browsers refuse sound without a user gesture unless the kiosk allows autoplay: show the
      // video muted rather than nothing, and say so in the receipt.
      if ((error as { name?: string })?.name !== 'NotAllowedError') {
        return { outcome: 'failed', reason: `media ${track.sha256} (${track.mime}) could not be played` };
      }
      element.muted = true;
      try {
        await element.play();
      } catch {
        return { outcome: 'failed', reason: `media ${track.sha256}: the browser refused to play it` };
      }
    }
    void this.#rotateImages(images, (track.durationSec ?? 0) * 1000 || this.#slideMs, signal);
    // A file that never ends (broken, or a stream) must not hold the screen for ever: allow its
    // length plus 30 s, or one hour when neither the file nor the bulletin says how long it is.
    const knownSec = Math.max(
      Number.isFinite(element.duration) ? element.duration : 0,
      track.durationSec ?? 0,
    );
    const limitMs = Math.round(((knownSec || 3600) + 30) * 1000);
    const outcome = await untilAborted(
      Promise.race([
        ended,
        this.#sleep(limitMs, signal).then(
          (): PlayResult => ({
            outcome: 'failed',
            reason: `media ${track.sha256} did not end in ${limitMs / 1000} s`,
          }),
        ),
      ]),
      signal,
    );
    if (outcome.aborted) return { outcome: 'interrupted', reason: 'aborted' };
    const result = outcome.value;
    if (result.outcome === 'completed' && element.muted && item.volume > 0) {
      return { outcome: 'completed', reason: 'played muted: the browser blocks autoplay with sound' };
    }
    return result;
  }

  async #rotateImages(images: HTMLImageElement[], totalMs: number, signal: AbortSignal): Promise<boolean> {
    const count = Math.max(1, images.length);
    for (let index = 0; index < count; index++) {
      images.forEach((img, i) => {
        img.hidden = i !== index;
      });
      if (!(await this.#sleep(totalMs / count, signal))) return false;
    }
    return true;
  }

  #sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.#clock.clearTimeout(handle);
        resolve(false);
      };
      const handle = this.#clock.setTimeout(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        },
        Math.min(Math.max(0, ms), MAX_DELAY_MS),
      );
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #hiddenReason(layer: HTMLElement): string | undefined {
    if (!this.#root.isConnected) return 'the board element is not in the page';
    const rect = layer.getBoundingClientRect();
    if (rect.width < 1 || rect.height < 1) {
      return `the board element has no size (${rect.width}×${rect.height}); give it a width and height`;
    }
    if (this.#doc.visibilityState === 'hidden') return 'the page is hidden';
    return undefined;
  }

  // Picks the largest text size at which title and text fit the layer: a long notice is drawn
  // smaller rather than cut off, and a short emergency larger, to be read from across the street.
  #fit(layer: HTMLElement, emergency: boolean): void {
    const text = layer.querySelector<HTMLElement>('.nb-text');
    const larger = emergency ? [1.8, 1.55, 1.3, 1.15] : [];
    for (const scale of [...larger, 1, 0.9, 0.8, 0.7, 0.6, 0.52, 0.45, 0.38]) {
      layer.style.setProperty('--nb-scale', String(scale));
      const textFits = !text || text.scrollHeight <= text.clientHeight + 1;
      if (textFits && layer.scrollHeight <= layer.clientHeight + 1) return;
    }
  }

  #swap(layer: HTMLElement, showing: ShowingState): void {
    this.#clearIdleTimers();
    this.#layer?.remove();
    this.#layer = layer;
    this.#root.insertBefore(layer, this.#dim);
    this.#showing = showing;
    this.#root.dataset.layout = showing.layout;
    this.#applyDim();
  }

  #showIdle(): void {
    if (this.#closed) return;
    const layer = this.#el('section', 'nb-layer nb-idle');
    layer.lang = 'vi';
    layer.style.fontFamily = fontStackFor('vi', this.#fonts);
    const time = this.#el('div', 'nb-clock');
    const date = this.#el('div', 'nb-date');
    const recent = this.#el('div', 'nb-recent');
    layer.append(time, date, recent);
    this.#swap(layer, { layout: 'idle', since: this.#clock.now() });
    const tick = () => {
      const now = this.#clock.now();
      time.textContent = this.#clockFormat.format(now);
      date.textContent = this.#dateFormat.format(now);
      this.#idleTimers[0] = this.#clock.setTimeout(tick, 1000 - (now % 1000));
    };
    const rotate = () => {
      const entry = this.playlist.next(this.#clock.now());
      recent.replaceChildren();
      recent.hidden = entry === undefined;
      if (entry) {
        recent.lang = entry.lang;
        recent.style.fontFamily = fontStackFor(entry.lang, this.#fonts);
        const heading = this.#el(
          'h2',
          '',
          entry.title === undefined ? this.#labels.recent : displayText(entry.title),
        );
        recent.append(heading);
        if (entry.text) recent.append(this.#el('p', '', displayText(entry.text)));
      }
      if (this.#rotationMs !== false) this.#idleTimers[1] = this.#clock.setTimeout(rotate, this.#rotationMs);
    };
    tick();
    if (this.#rotationMs === false) recent.hidden = true;
    else rotate();
  }

  #clearIdleTimers(): void {
    for (const handle of this.#idleTimers) this.#clock.clearTimeout(handle);
    this.#idleTimers = [];
  }

  #stopMedia(): void {
    if (!this.#media) return;
    this.#media.pause();
    this.#media.removeAttribute('src');
    this.#media.load();
    this.#media = undefined;
  }

  #scheduledLevel(): number | undefined {
    return this.#schedule?.levelAt(this.#clock.now());
  }

  // Re-checks the schedule every minute and tells the backlight hook about each change.
  #followSchedule(): void {
    const next = this.#scheduledLevel() ?? this.#baseBrightness;
    if (next !== this.#brightness) {
      this.#brightness = next;
      this.#applyDim();
      Promise.resolve(this.#onBrightness?.(next)).catch(() => undefined);
    }
    this.#scheduleTimer = this.#clock.setTimeout(() => this.#followSchedule(), 60_000);
  }

  #applyDim(): void {
    // Emergencies show at full brightness whatever the night setting (they must be read).
    const full = this.#showing.layout === 'emergency' || this.#showing.layout === 'test';
    const opacity = full ? 0 : (100 - this.#brightness) / 100;
    this.#dim.style.opacity = String(opacity);
    this.#dim.hidden = opacity === 0;
  }

  #testPattern(): HTMLElement {
    const layer = this.#el('section', 'nb-layer nb-test');
    for (const colour of ['#fff', '#ff0', '#0ff', '#0f0', '#f0f', '#f00', '#00f', '#000']) {
      const bar = this.#el('span', '');
      bar.style.background = colour;
      layer.append(bar);
    }
    const line = this.#el('p', '', displayText(this.#labels.testPattern));
    line.lang = 'vi';
    line.style.fontFamily = fontStackFor('vi', this.#fonts);
    layer.append(line);
    return layer;
  }

  #colourCheck(): Check {
    const canvas = this.#doc.createElement('canvas');
    canvas.width = 8;
    canvas.height = 1;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) return { name: 'screen.colour', ok: false, message: 'no 2D canvas in this browser' };
    const bars: [number, number, number][] = [
      [255, 255, 255],
      [255, 255, 0],
      [0, 255, 255],
      [0, 255, 0],
      [255, 0, 255],
      [255, 0, 0],
      [0, 0, 255],
      [0, 0, 0],
    ];
    bars.forEach(([r, g, b], x) => {
      context.fillStyle = `rgb(${r},${g},${b})`;
      context.fillRect(x, 0, 1, 1);
    });
    const data = context.getImageData(0, 0, 8, 1).data;
    const wrong = bars.findIndex(
      ([r, g, b], x) => data[x * 4] !== r || data[x * 4 + 1] !== g || data[x * 4 + 2] !== b,
    );
    return wrong === -1
      ? { name: 'screen.colour', ok: true, message: '8 colour bars read back exactly' }
      : { name: 'screen.colour', ok: false, message: `colour bar ${wrong + 1} read back wrong` };
  }

  // A font without Vietnamese glyphs draws a box of the letter's height; a real "Ệ" reaches above
  // and below "E" (circumflex and dot below).
  #glyphCheck(): Check {
    const context = this.#doc.createElement('canvas').getContext('2d');
    if (!context) return { name: 'text.diacritics', ok: false, message: 'no 2D canvas in this browser' };
    context.font = `48px ${fontStackFor('vi', this.#fonts)}`;
    const plain = context.measureText('E');
    const marked = context.measureText('Ệ');
    const ok =
      marked.actualBoundingBoxAscent > plain.actualBoundingBoxAscent + 2 &&
      marked.actualBoundingBoxDescent > plain.actualBoundingBoxDescent + 2;
    return {
      name: 'text.diacritics',
      ok,
      message: ok
        ? 'tone marks are drawn above and below the letter'
        : 'no font with Vietnamese tone marks: install one (e.g. Noto Sans) or pass options.fonts',
    };
  }

  #mimeList(): string[] {
    if (this.#mime) return [...this.#mime];
    const probe = this.#doc.createElement('video');
    return [...IMAGE_TYPES, ...PLAYABLE_TYPES.filter((type) => probe.canPlayType(type) !== '')];
  }

  // Verified bytes become a blob URL, so the screen shows exactly what the cache checked against
  // its sha256 instead of fetching the URL again.
  #urlOf(media: CachedMedia, objectUrls: string[]): string {
    const url = this.#doc.defaultView?.URL;
    if (media.bytes && url && !/^(blob|data):/.test(media.url)) {
      const objectUrl = url.createObjectURL(new Blob([media.bytes as BlobPart], { type: media.mime }));
      objectUrls.push(objectUrl);
      return objectUrl;
    }
    return media.url;
  }

  #installStyles(): void {
    if (this.#doc.getElementById(STYLE_ID)) return;
    const style = this.#el('style', '', BOARD_CSS);
    style.id = STYLE_ID;
    (this.#doc.head ?? this.#doc.documentElement).append(style);
  }

  #el(tag: string, className: string, text?: string): HTMLElement {
    const element = this.#doc.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }
}

function seconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback * 1000;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new BoardError(
      'invalid_option',
      `DomBoardAdapter options.${name}: expected a number of seconds ≥ 0, found ${String(value)}`,
    );
  }
  return value * 1000;
}

function applyVolume(element: HTMLMediaElement, volume: number): void {
  element.volume = Math.min(1, Math.max(0, volume / 100));
  element.muted = volume === 0;
}

function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
): Promise<{ aborted: true } | { aborted: false; value: T }> {
  if (signal.aborted) return Promise.resolve({ aborted: true });
  return new Promise((resolve) => {
    const onAbort = () => resolve({ aborted: true });
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ aborted: false, value });
    });
  });
}
