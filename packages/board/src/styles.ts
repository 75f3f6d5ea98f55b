// One stylesheet for every board on a page. Sizes follow the board element (container query units)
// so that the same layout reads on a 55" portrait kiosk and a small landscape panel; the emergency
// takeover covers the whole viewport, so it is sized from the viewport.
export const BOARD_CSS = `
.nb-root{position:relative;overflow:hidden;container-type:size;background:#0b2545;color:#fff;box-sizing:border-box}
.nb-root *{box-sizing:border-box}
.nb-layer{position:absolute;inset:0;display:flex;flex-direction:column;padding:4cqmin 5cqmin;gap:3cqmin}
.nb-idle .nb-clock{font-size:14cqmin;font-weight:700;line-height:1;font-variant-numeric:tabular-nums}
.nb-idle .nb-date{font-size:4.5cqmin;opacity:.85}
.nb-idle .nb-recent{margin-top:auto;border-top:.4cqmin solid rgba(255,255,255,.4);padding-top:2.5cqmin}
.nb-idle .nb-recent h2{font-size:5cqmin;margin:0 0 1cqmin}
.nb-idle .nb-recent p{font-size:3.4cqmin;margin:0;opacity:.9;display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
.nb-slide{background:#fdfcf7;color:#111}
.nb-band{align-self:flex-start;background:#e0a100;color:#111;font-weight:700;font-size:3.4cqmin;padding:.6cqmin 2cqmin;border-radius:.8cqmin;letter-spacing:.05em}
.nb-title{margin:0;font-size:calc(7cqmin*var(--nb-scale,1));line-height:1.2;font-weight:700}
.nb-body{flex:1;min-height:0;display:flex;gap:3cqmin}
.nb-text{flex:1;min-width:0;overflow:hidden;font-size:calc(4.4cqmin*var(--nb-scale,1));line-height:1.45}
.nb-text p{margin:0 0 .8em}
.nb-media{flex:1;min-width:0;display:flex;align-items:flex-start;justify-content:center}
.nb-media img,.nb-media video{max-width:100%;max-height:100%;object-fit:contain}
@container (max-aspect-ratio:1/1){.nb-slide .nb-body{flex-direction:column}.nb-slide .nb-text{flex:0 1 auto;min-height:0}.nb-slide .nb-media{align-items:flex-start;min-height:0}}
.nb-emergency{position:fixed;inset:0;z-index:2147483646;background:#fff;color:#111;border:1.2vmin solid #c8102e;padding:0;gap:0}
.nb-banner{background:#c8102e;color:#fff;font-weight:800;font-size:6vmin;letter-spacing:.06em;padding:2vmin 4vmin;text-transform:uppercase}
.nb-emergency .nb-title{font-size:calc(8vmin*var(--nb-scale,1));padding:3vmin 4vmin 0;color:#8b0000}
.nb-emergency .nb-body{padding:3vmin 4vmin}
.nb-emergency .nb-text{font-size:calc(5vmin*var(--nb-scale,1))}
.nb-dim{position:fixed;inset:0;background:#000;pointer-events:none;z-index:2147483647}
.nb-test{display:grid;grid-template-columns:repeat(8,1fr);padding:0}
.nb-test span{display:block}
.nb-test p{position:absolute;left:0;right:0;bottom:0;margin:0;padding:2cqmin;background:#000;color:#fff;font-size:5cqmin}
`;
