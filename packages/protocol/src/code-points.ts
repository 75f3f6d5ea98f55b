/**
 * The length of `text` in Unicode code points, as zod measures `min`/`max` of strings: a surrogate
 * pair counts once, a lone surrogate counts as one. Used by the generated validator in place of
 * ajv's runtime helper, so that it imports nothing from ajv.
 */
export function codePointLength(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}
