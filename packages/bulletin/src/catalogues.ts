/**
 * A label in Vietnamese and English.
 *
 * @example
 * ```ts
 * const label: Label = { vi: 'Bản tin khẩn cấp', en: 'Emergency' };
 * ```
 */
export interface Label {
  vi: string;
  en: string;
}

const D49 = 'Nghị định 49/2024/NĐ-CP';

/**
 * Categories of essential information (thông tin thiết yếu) from Decree 49/2024/NĐ-CP, Article 6.
 * Codes are stable; `verified: false` marks the points of Art. 6(2) after (d), whose official text the
 * authors could only read in a partial English rendering. `other` is not an Art. 6 category: it is the
 * landing place for imports (e.g. CAP `Other`) that an editor must re-classify.
 *
 * @example
 * ```ts
 * BULLETIN_CATEGORIES.disaster_emergency.label.vi; // 'Phòng, chống thiên tai, tìm kiếm cứu nạn, hỏa hoạn, cấp cứu, dịch bệnh, thảm họa'
 * ```
 */
export const BULLETIN_CATEGORIES = {
  policy: {
    label: {
      vi: 'Đường lối, chủ trương của Đảng, chính sách, pháp luật của Nhà nước, quy định của địa phương, sự kiện quan trọng',
      en: 'Party guidelines, State policy and law, local regulations and important local events',
    },
    source: `${D49}, Điều 6 khoản 1`,
    verified: true,
  },
  local_development: {
    label: {
      vi: 'Dự án, chương trình phát triển kinh tế, văn hóa, an sinh xã hội ở địa phương',
      en: 'Local economic, cultural and social-welfare projects and programmes',
    },
    source: `${D49}, Điều 6 khoản 2 điểm a`,
    verified: true,
  },
  socioeconomic_knowledge: {
    label: {
      vi: 'Chính trị, kinh tế, văn hóa, xã hội; kiến thức khoa học, kỹ thuật, công nghệ',
      en: 'Politics, economy, culture, society; scientific, technical and technology knowledge',
    },
    source: `${D49}, Điều 6 khoản 2 điểm b`,
    verified: true,
  },
  security_order: {
    label: {
      vi: 'An ninh, trật tự, an toàn xã hội và công tác quân sự ở địa phương',
      en: 'Security, public order, social safety and local military affairs',
    },
    source: `${D49}, Điều 6 khoản 2 điểm c`,
    verified: true,
  },
  disaster_emergency: {
    label: {
      vi: 'Phòng, chống thiên tai, tìm kiếm cứu nạn, hỏa hoạn, cấp cứu, dịch bệnh, thảm họa',
      en: 'Natural-disaster prevention, search and rescue, fire, first aid, epidemics and catastrophes',
    },
    source: `${D49}, Điều 6 khoản 2 điểm d`,
    verified: true,
  },
  exemplary_models: {
    label: {
      vi: 'Gương người tốt, việc tốt, điển hình tiên tiến',
      en: 'Exemplary people, good deeds and advanced models',
    },
    source: `${D49}, Điều 6 khoản 2 (later point; official wording not verified)`,
    verified: false,
  },
  illegal_acts_prevention: {
    label: {
      vi: 'Phòng, chống vi phạm pháp luật và tệ nạn xã hội',
      en: 'Measures against illegal acts and social evils',
    },
    source: `${D49}, Điều 6 khoản 2 (later point; official wording not verified)`,
    verified: false,
  },
  other: {
    label: { vi: 'Khác (cần phân loại lại)', en: 'Other (to be re-classified)' },
    source: 'not an Article 6 category; used for imports such as CAP `Other`',
    verified: true,
  },
} as const satisfies Record<string, { label: Label; source: string; verified: boolean }>;

/**
 * A category code, see {@link BULLETIN_CATEGORIES}.
 *
 * @example
 * ```ts
 * const category: BulletinCategory = 'disaster_emergency';
 * ```
 */
export type BulletinCategory = keyof typeof BULLETIN_CATEGORIES;

/**
 * Priority levels of Circular 39/2020/TT-BTTTT (thông thường, ưu tiên, khẩn cấp), lowest first.
 * `emergency` is played at once ("phát ngay") and pre-empts everything else.
 *
 * @example
 * ```ts
 * BULLETIN_PRIORITIES.emergency.rank; // 2
 * ```
 */
export const BULLETIN_PRIORITIES = {
  normal: {
    label: { vi: 'Bản tin thông thường', en: 'Normal' },
    rank: 0,
    source: 'Thông tư 39/2020/TT-BTTTT',
  },
  priority: {
    label: { vi: 'Bản tin ưu tiên', en: 'Priority' },
    rank: 1,
    source: 'Thông tư 39/2020/TT-BTTTT',
  },
  emergency: {
    label: { vi: 'Bản tin khẩn cấp', en: 'Emergency' },
    rank: 2,
    source: 'Thông tư 39/2020/TT-BTTTT',
  },
} as const satisfies Record<string, { label: Label; rank: number; source: string }>;

/**
 * A priority code, see {@link BULLETIN_PRIORITIES}.
 *
 * @example
 * ```ts
 * const priority: BulletinPriority = 'emergency';
 * ```
 */
export type BulletinPriority = keyof typeof BULLETIN_PRIORITIES;

/**
 * The eight channel types (loại hình thông tin cơ sở) of Decree 49/2024/NĐ-CP, Article 3(1).
 * `device: true` marks the two that the provincial source system drives over protocol v1: IP commune
 * radio loudspeakers (`radio_ip`) and public electronic bulletin boards (`board`).
 *
 * @example
 * ```ts
 * BULLETIN_CHANNELS.radio_ip.device; // true
 * ```
 */
export const BULLETIN_CHANNELS = {
  radio_ip: {
    label: {
      vi: 'Đài truyền thanh cấp xã (ứng dụng CNTT-VT, cụm loa IP)',
      en: 'Commune radio (IP loudspeaker clusters)',
    },
    source: `${D49}, Điều 3 khoản 1; Thông tư 39/2020/TT-BTTTT`,
    device: true,
  },
  board: {
    label: { vi: 'Bảng tin công cộng (bảng tin điện tử)', en: 'Public bulletin board (electronic board)' },
    source: `${D49}, Điều 3 khoản 1`,
    device: true,
  },
  newsletter: {
    label: { vi: 'Bản tin thông tin cơ sở', en: 'Grassroots newsletter' },
    source: `${D49}, Điều 3 khoản 1`,
    device: false,
  },
  printed_material: {
    label: {
      vi: 'Tài liệu không kinh doanh phục vụ hoạt động thông tin cơ sở',
      en: 'Non-commercial printed material',
    },
    source: `${D49}, Điều 3 khoản 1`,
    device: false,
  },
  propagandist: {
    label: {
      vi: 'Tuyên truyền trực tiếp qua tuyên truyền viên cơ sở',
      en: 'Face-to-face communication by grassroots propagandists',
    },
    source: `${D49}, Điều 3 khoản 1`,
    device: false,
  },
  web_portal: {
    label: { vi: 'Cổng hoặc trang thông tin điện tử', en: 'Web portal or website' },
    source: `${D49}, Điều 3 khoản 1`,
    device: false,
  },
  social_media: {
    label: {
      vi: 'Mạng xã hội, ứng dụng nhắn tin trên Internet',
      en: 'Social networks and Internet messaging apps',
    },
    source: `${D49}, Điều 3 khoản 1`,
    device: false,
  },
  sms: {
    label: { vi: 'Tin nhắn viễn thông', en: 'Telecom text messages (SMS)' },
    source: `${D49}, Điều 3 khoản 1`,
    device: false,
  },
} as const satisfies Record<string, { label: Label; source: string; device: boolean }>;

/**
 * A channel code, see {@link BULLETIN_CHANNELS}.
 *
 * @example
 * ```ts
 * const channels: BulletinChannel[] = ['radio_ip', 'board'];
 * ```
 */
export type BulletinChannel = keyof typeof BULLETIN_CHANNELS;

/**
 * An ISO 15924 script code used by the language check.
 *
 * @example
 * ```ts
 * const script: ScriptCode = 'Khmr';
 * ```
 */
export type ScriptCode = 'Latn' | 'Khmr' | 'Thai' | 'Laoo' | 'Cham' | 'Tavt' | 'Hani';

/**
 * Languages the package knows, by BCP 47 tag, with the scripts their text may be written in. Any
 * other well-formed tag is accepted without a script check (unless it names a script subtag, e.g.
 * `cjm-Cham`). `vietnameseLetters: true` means a longer text must contain Vietnamese letters with
 * diacritics (it catches text typed without accents, which TTS reads wrongly).
 *
 * Decisions: Cham (`cjm`) may be in Cham script or in the Latin romanisation used in Vietnam; Hmong
 * (`hnj`, `blu`) in the Latin (RPA-based) orthography; Tai Dam (`blt`) in Tai Viet or Latin script.
 *
 * @example
 * ```ts
 * BULLETIN_LANGUAGES.jra.label.vi; // 'Tiếng Jrai'
 * ```
 */
export const BULLETIN_LANGUAGES = {
  vi: { label: { vi: 'Tiếng Việt', en: 'Vietnamese' }, scripts: ['Latn'], vietnameseLetters: true },
  jra: { label: { vi: 'Tiếng Jrai', en: 'Jrai' }, scripts: ['Latn'], vietnameseLetters: false },
  bdq: { label: { vi: 'Tiếng Ba Na', en: 'Bahnar' }, scripts: ['Latn'], vietnameseLetters: false },
  rad: { label: { vi: 'Tiếng Ê Đê', en: 'Rade (Ede)' }, scripts: ['Latn'], vietnameseLetters: false },
  kpm: { label: { vi: 'Tiếng Cơ Ho', en: 'Koho' }, scripts: ['Latn'], vietnameseLetters: false },
  mng: { label: { vi: 'Tiếng M’Nông', en: 'Eastern Mnong' }, scripts: ['Latn'], vietnameseLetters: false },
  sed: { label: { vi: 'Tiếng Xơ Đăng', en: 'Sedang' }, scripts: ['Latn'], vietnameseLetters: false },
  tyz: { label: { vi: 'Tiếng Tày', en: 'Tày' }, scripts: ['Latn'], vietnameseLetters: false },
  mtq: { label: { vi: 'Tiếng Mường', en: 'Muong' }, scripts: ['Latn'], vietnameseLetters: false },
  hnj: {
    label: { vi: 'Tiếng H’Mông (Mông Lềnh)', en: 'Hmong Njua' },
    scripts: ['Latn'],
    vietnameseLetters: false,
  },
  blu: {
    label: { vi: 'Tiếng H’Mông (Mông Đơ)', en: 'Hmong Daw' },
    scripts: ['Latn'],
    vietnameseLetters: false,
  },
  blt: {
    label: { vi: 'Tiếng Thái Đen', en: 'Tai Dam' },
    scripts: ['Tavt', 'Latn'],
    vietnameseLetters: false,
  },
  cjm: {
    label: { vi: 'Tiếng Chăm', en: 'Eastern Cham' },
    scripts: ['Cham', 'Latn'],
    vietnameseLetters: false,
  },
  km: { label: { vi: 'Tiếng Khmer', en: 'Khmer' }, scripts: ['Khmr'], vietnameseLetters: false },
  th: { label: { vi: 'Tiếng Thái Lan', en: 'Thai' }, scripts: ['Thai'], vietnameseLetters: false },
  lo: { label: { vi: 'Tiếng Lào', en: 'Lao' }, scripts: ['Laoo'], vietnameseLetters: false },
  zh: { label: { vi: 'Tiếng Hoa', en: 'Chinese' }, scripts: ['Hani'], vietnameseLetters: false },
  en: { label: { vi: 'Tiếng Anh', en: 'English' }, scripts: ['Latn'], vietnameseLetters: false },
} as const satisfies Record<
  string,
  { label: Label; scripts: readonly ScriptCode[]; vietnameseLetters: boolean }
>;

/**
 * A language tag the package has a catalogue entry for, see {@link BULLETIN_LANGUAGES}.
 *
 * @example
 * ```ts
 * const lang: KnownLanguage = 'jra';
 * ```
 */
export type KnownLanguage = keyof typeof BULLETIN_LANGUAGES;

/**
 * Workflow states of a bulletin, as in the provincial API v1: draft → submitted → approved →
 * published → revoked | expired; `rejected` sends a submitted bulletin back to its author.
 *
 * @example
 * ```ts
 * BULLETIN_STATUSES.published.label.vi; // 'Đã phát hành'
 * ```
 */
export const BULLETIN_STATUSES = {
  draft: { label: { vi: 'Bản nháp', en: 'Draft' } },
  submitted: { label: { vi: 'Đã trình duyệt', en: 'Submitted for approval' } },
  approved: { label: { vi: 'Đã phê duyệt', en: 'Approved' } },
  rejected: { label: { vi: 'Bị từ chối', en: 'Rejected' } },
  published: { label: { vi: 'Đã phát hành', en: 'Published' } },
  revoked: { label: { vi: 'Đã thu hồi', en: 'Revoked' } },
  expired: { label: { vi: 'Đã hết hạn', en: 'Expired' } },
} as const satisfies Record<string, { label: Label }>;

/**
 * A workflow status, see {@link BULLETIN_STATUSES}.
 *
 * @example
 * ```ts
 * const status: BulletinStatus = 'published';
 * ```
 */
export type BulletinStatus = keyof typeof BULLETIN_STATUSES;
