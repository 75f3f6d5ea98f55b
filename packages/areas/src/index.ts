/** Smoke export. @example `hello()` */
export const hello = (): string => 'xin chào';
