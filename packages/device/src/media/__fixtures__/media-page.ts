// Bundled by indexeddb-blob-store.test.ts for Chromium: exposes the browser media cache to the page.
import { IndexedDbBlobStore } from '../indexeddb-blob-store';
import { MediaCache } from '../media-cache';

(globalThis as Record<string, unknown>).nguonMedia = { IndexedDbBlobStore, MediaCache };
