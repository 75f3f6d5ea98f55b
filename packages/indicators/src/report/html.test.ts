import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDataset } from '../datasets';
import type { Actual } from '../model';
import { validateDataset } from '../validate';
import { renderReport } from './html';

const giaLai = getDataset('gia-lai-2024');
const fixedTime = new Date('2026-01-15T08:00:00Z');
const actuals: Actual[] = giaLai.targets
  .filter((t) => t.year === 2024 && t.value !== null && t.unitCode !== '64')
  .map((t, i) => ({ ...t, value: Math.max(0, (t.value ?? 0) - (i % 3)), status: 'normal' as const }))
  .map(({ indicator, unitCode, year, value, status }) => ({ indicator, unitCode, year, value, status }));

type Browser = Awaited<ReturnType<typeof chromium.launch>>;
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('HTML report', () => {
  it('is one self-contained file: no scripts, no external links, inline SVG charts', () => {
    const html = renderReport(giaLai, { generatedAt: fixedTime });
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|@import|url\((?!#)/i);
    // The only URLs are the XML namespace names of the inline SVG.
    expect(html.match(/https?:\/\/[^"]*/g)?.every((u) => u.startsWith('http://www.w3.org/'))).toBe(true);
    expect((html.match(/<svg /g) ?? []).length).toBe(1 + 5);
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('1. Chỉ tiêu của tỉnh theo năm');
    expect(html).toContain('203 (92,3%)');
  });

  it('is written in English on request', () => {
    const html = renderReport(giaLai, { lang: 'en', generatedAt: fixedTime });
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('1. Province targets by year');
    expect(html).toContain('203 (92.3%)');
    expect(html).not.toContain('Tiến độ theo địa phương');
  });

  it('lists every validation finding', () => {
    const findings = validateDataset(giaLai);
    expect(findings.length).toBeGreaterThan(0);
    const html = renderReport(giaLai, { generatedAt: fixedTime, findings });
    const rows = html.split('<section id="findings"')[1]?.match(/<tr class=/g) ?? [];
    expect(rows.length).toBe(findings.length);
    for (const f of findings)
      expect(html).toContain(
        f.message.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      );
  });

  it('renders in Chromium with visible charts and prints on A4 without overflow', async () => {
    const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
    await page.setContent(renderReport(giaLai, { generatedAt: fixedTime, actuals, year: 2024 }));
    const charts = await page.$$eval('figure svg', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return { width: box.width, height: box.height, marks: svg.querySelectorAll('path, rect').length };
      }),
    );
    expect(charts.length).toBe(1 + 5);
    expect(await page.textContent('#districts')).toContain('chưa đạt');
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(300);
      expect(c.height).toBeGreaterThan(100);
      expect(c.marks).toBeGreaterThan(10);
    }
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.emulateMedia({ media: 'print' });
    const pdf = Buffer.from(
      await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }),
    ).toString('latin1');
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(boxes.length).toBeGreaterThanOrEqual(3);
    for (const [w, h] of boxes) {
      expect(Math.abs((w ?? 0) - 595)).toBeLessThan(2);
      expect(Math.abs((h ?? 0) - 842)).toBeLessThan(2);
    }
    await page.close();
  }, 60_000);
});
