export { assertSha256, type BlobStore, MemoryBlobStore, type StoredBlob } from './blob-store';
export { IndexedDbBlobStore, type IndexedDbBlobStoreOptions } from './indexeddb-blob-store';
export { MediaCache, type MediaCacheOptions, type MediaRef } from './media-cache';
