import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Playlist } from './playlist';

const at = Date.parse('2026-11-26T08:00:00Z');

describe('Playlist', () => {
  it('rotates through recent bulletins, newest first', () => {
    const playlist = new Playlist();
    playlist.upsert({ bulletinId: 'a', version: 1, lang: 'vi', title: 'Lịch tiêm chủng', shownAt: at });
    playlist.upsert({ bulletinId: 'b', version: 1, lang: 'jra', title: 'Tơlơi pơthâo', shownAt: at + 1000 });
    const titles = [1, 2, 3].map(() => playlist.next(at + 2000)?.title);
    expect(titles).toEqual(['Tơlơi pơthâo', 'Lịch tiêm chủng', 'Tơlơi pơthâo']);
  });

  it('keeps the newer version of a bulletin and drops revoked and old ones', () => {
    const playlist = new Playlist({ maxAgeSec: 60 });
    playlist.upsert({ bulletinId: 'a', version: 2, lang: 'vi', title: 'v2', shownAt: at });
    playlist.upsert({ bulletinId: 'a', version: 1, lang: 'vi', title: 'v1', shownAt: at });
    expect(playlist.entries(at).map((e) => e.title)).toEqual(['v2']);
    playlist.upsert({ bulletinId: 'b', version: 1, lang: 'vi', title: 'b', shownAt: at + 30_000 });
    expect(playlist.remove('b')).toBe(true);
    expect(playlist.remove('b')).toBe(false);
    expect(playlist.entries(at + 61_000)).toEqual([]);
    expect(playlist.next(at + 61_000)).toBeUndefined();
  });

  it('never holds more than maxItems nor the same bulletin twice', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), version: fc.nat(3) })),
        (maxItems, adds) => {
          const playlist = new Playlist({ maxItems });
          for (const add of adds) {
            playlist.upsert({ bulletinId: add.id, version: add.version, lang: 'vi', shownAt: at });
          }
          const ids = playlist.entries(at).map((e) => e.bulletinId);
          expect(ids.length).toBeLessThanOrEqual(maxItems);
          expect(new Set(ids).size).toBe(ids.length);
        },
      ),
    );
  });
});
