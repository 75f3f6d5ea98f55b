// The feed widget that commune websites embed (GET /v1/feeds/embed.js): browser code without
// dependencies, bundled and minified by scripts/build-embed.ts into feed-widget.generated.ts.
//
//   <div data-nguon-feed="24065" data-limit="5" data-lang="vi"></div>
//   <script src="https://SOURCE/v1/feeds/embed.js" async></script>
//
// It reads /v1/feeds/{unit}.json from the origin the script came from, shows emergencies first
// (red, role="alert"), and reads the feed again every `data-interval` seconds (default 60) with the
// browser's cache in `no-cache` mode, so the request carries If-None-Match and a 304 costs nothing;
// a revoked bulletin leaves the feed and so the page. Feed text only ever goes in as text nodes.
// Nothing here may throw into the host page: every entry point catches.

interface FeedItem {
  title?: unknown;
  summary?: unknown;
  content_text?: unknown;
  url?: unknown;
  external_url?: unknown;
  date_published?: unknown;
  _nguon?: { priority?: unknown; status?: unknown };
}

const WORDS = {
  vi: {
    emergency: 'Khẩn cấp',
    error: 'Không đọc được bản tin; sẽ thử lại sau.',
    empty: 'Chưa có bản tin.',
    more: 'Xem chi tiết',
    locale: 'vi-VN',
  },
  en: {
    emergency: 'Emergency',
    error: 'The bulletins could not be read; retrying later.',
    empty: 'No bulletins yet.',
    more: 'Read more',
    locale: 'en-GB',
  },
};
type Words = (typeof WORDS)['vi'];

const RED = 'border-left:4px solid #c62828;background:#fdecea;color:#8e0000;padding:6px 10px;margin:0 0 8px';
const PLAIN = 'border-left:4px solid #1565c0;padding:6px 10px;margin:0 0 8px';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function el(tag: string, text?: string, css?: string): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (css) node.style.cssText = css;
  return node;
}

function when(iso: string, w: Words): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  try {
    return new Intl.DateTimeFormat(w.locale, {
      timeZone: 'Asia/Ho_Chi_Minh',
      hour: '2-digit',
      minute: '2-digit',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
    }).format(d);
  } catch {
    return d.toISOString().slice(0, 10);
  }
}

function item(it: FeedItem, w: Words): HTMLElement {
  const urgent = it._nguon?.priority === 'emergency';
  const li = el('li', undefined, urgent ? RED : PLAIN);
  li.className = urgent ? 'nguon-item nguon-emergency' : 'nguon-item';
  if (urgent) {
    li.setAttribute('role', 'alert');
    li.append(el('strong', `${w.emergency}: `));
  }
  li.append(el('span', str(it.title)));
  const date = str(it.date_published);
  const time = el('time', when(date, w), 'display:block;font-size:.85em;opacity:.8');
  time.setAttribute('datetime', date);
  li.append(time);
  let text = str(it.summary) || str(it.content_text);
  if (text.length > 280) text = `${text.slice(0, 277)}…`;
  if (text) li.append(el('p', text, 'margin:4px 0 0'));
  const link = str(it.url) || str(it.external_url);
  if (/^https?:\/\//i.test(link)) {
    const a = el('a', w.more) as HTMLAnchorElement;
    a.href = link;
    a.rel = 'noopener';
    li.append(a);
  }
  return li;
}

function render(box: Element, items: FeedItem[], limit: number, w: Words): void {
  const live = items.filter((i) => i && i._nguon?.status !== 'revoked');
  const urgent = live.filter((i) => i._nguon?.priority === 'emergency');
  const shown = [...urgent, ...live.filter((i) => i._nguon?.priority !== 'emergency')].slice(0, limit);
  const list = el('ul', undefined, 'list-style:none;padding:0;margin:0');
  list.className = 'nguon-feed';
  for (const it of shown) list.append(item(it, w));
  if (shown.length === 0) list.append(el('li', w.empty));
  box.replaceChildren(list);
}

function note(box: Element, w: Words): void {
  const old = box.querySelector('.nguon-error');
  const p = old ?? el('p', w.error, 'color:#8e0000;font-size:.9em');
  p.className = 'nguon-error';
  if (!old) box.append(p);
}

function watch(box: Element, origin: string): void {
  const unit = box.getAttribute('data-nguon-feed') ?? '';
  const w = WORDS[box.getAttribute('data-lang') === 'en' ? 'en' : 'vi'];
  const limit = Math.max(1, Number(box.getAttribute('data-limit')) || 10);
  const every = Math.max(1, Number(box.getAttribute('data-interval')) || 60) * 1000;
  // The last feed body rendered; `undefined` until one is (an empty body is not a feed either).
  let last: string | undefined;
  const poll = async (): Promise<void> => {
    try {
      if (!/^\d{2,5}$/.test(unit)) throw new Error('unit');
      const res = await fetch(`${origin}/v1/feeds/${unit}.json`, { cache: 'no-cache' });
      if (!res.ok) throw new Error(String(res.status));
      const text = await res.text();
      if (text !== last) {
        const items = (JSON.parse(text) as { items?: unknown }).items;
        if (!Array.isArray(items)) throw new Error('items');
        render(box, items as FeedItem[], limit, w);
        last = text;
      } else box.querySelector('.nguon-error')?.remove();
    } catch {
      last = undefined;
      note(box, w);
    }
    if (box.isConnected) setTimeout(() => void poll(), every);
  };
  void poll();
}

// `currentScript` is only set while the script first runs, so it is read before waiting for the DOM.
const SELF = document.currentScript as HTMLScriptElement | null;

function start(): void {
  try {
    const self = SELF ?? document.querySelector<HTMLScriptElement>('script[src*="/v1/feeds/embed.js"]');
    const origin = new URL(self?.src ?? location.href).origin;
    for (const box of document.querySelectorAll('[data-nguon-feed]')) {
      if (box.getAttribute('data-nguon-started')) continue;
      box.setAttribute('data-nguon-started', '1');
      watch(box, origin);
    }
  } catch {
    // A broken host page must not break more because of this script.
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

export {};
