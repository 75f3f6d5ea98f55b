// Writes src/embed/generated/feed-widget.ts: the feed widget bundled and minified as a string.
import { mkdirSync, writeFileSync } from 'node:fs';
import { bundleFeedWidget, renderFeedWidgetModule } from './embed-bundle';

const dir = new URL('../src/embed/generated/', import.meta.url);
mkdirSync(dir, { recursive: true });
const code = await bundleFeedWidget();
writeFileSync(new URL('feed-widget.ts', dir), renderFeedWidgetModule(code));
console.log(`src/embed/generated/feed-widget.ts (${code.length} bytes)`);
