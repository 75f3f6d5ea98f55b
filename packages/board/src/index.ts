export { type BrightnessPeriod, BrightnessSchedule } from './brightness';
export { type BoardDisplay, type BoardLabels, type ShowingState, VIETNAMESE_LABELS } from './display';
export { DomBoardAdapter, type DomBoardAdapterOptions } from './dom-adapter';
export { BoardError, type BoardErrorCode } from './errors';
export { Playlist, type PlaylistEntry, type PlaylistOptions } from './playlist';
export { type BoardScript, displayText, fontStackFor, paragraphsOf, scriptOf } from './typography';
