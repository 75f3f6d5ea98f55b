// Test helpers: the reference server on port 0 over SQLite :memory:, and bulletin drafts.
import { createServer, openDatabase } from '@nguon/server';
import { createClient } from '../client';

export const ADMIN = 'sdk-bootstrap-admin-token-0001';

export interface Reference {
  url: string;
  admin: ReturnType<typeof createClient>;
  client(token?: string): ReturnType<typeof createClient>;
  token(role: 'admin' | 'editor' | 'approver' | 'operator' | 'viewer', units: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startReference(): Promise<Reference> {
  const db = await openDatabase({ file: ':memory:' });
  const listening = await createServer({ db, adminToken: ADMIN }).listen(0);
  const client = (token?: string) => createClient({ baseUrl: listening.url, token, retry: 0 });
  const admin = client(ADMIN);
  return {
    url: listening.url,
    admin,
    client,
    async token(role, units) {
      return (await admin.tokens.create({ role, units, label: `${role} ${units.join(',')}` })).token;
    },
    async close() {
      await listening.close();
      await db.close();
    },
  };
}

/** A policy notice draft for these unit codes (commune 24065 lies in province 52, Gia Lai). */
export function draft(codes: string[], title = 'Thông báo lịch tiêm chủng mở rộng tháng 12') {
  return {
    category: 'policy' as const,
    priority: 'normal' as const,
    channels: ['radio_ip' as const, 'web_portal' as const],
    contents: [
      {
        lang: 'vi' as const,
        title,
        text: 'Trạm y tế xã tổ chức tiêm chủng cho trẻ dưới 5 tuổi vào sáng thứ Bảy. Phụ huynh mang theo sổ tiêm.',
      },
    ],
    targets: { units: { at: '2025-07-01', codes } },
    schedule: { start: '2026-12-01T00:00:00+07:00', end: '2026-12-05T00:00:00+07:00' },
    issuer: { name: 'Ủy ban nhân dân xã Ia Rbol', unitCode: '24065' },
  };
}
