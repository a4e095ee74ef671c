/**
 * Free text from the exports (a QA reviewer's comment, a case note, a disposition code) as staging
 * carries it, and so every model after it. The contracts keep these fields byte for byte and do not mark
 * them personal, but people type contact details into notes: e-mail addresses and phone numbers are
 * recognisable by their shape and are replaced by `[email]` and `[phone]` in staging, before the text
 * reaches a mart, the site or an export. Names
 * and street addresses are not recognisable by shape and are kept as written (docs/models.md).
 *
 * The text is otherwise kept as written, markup included: the site renders it as text, never as HTML.
 */
import { type Expression, sql } from "kysely";

/** An e-mail address: local part, @, a domain with at least one dot. */
export const EMAIL_PATTERN = String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`;
/** An international number (+ and at least 7 digits, separators allowed): +1 (397) 383-8716, +13973838716. */
export const INTERNATIONAL_PHONE_PATTERN = String.raw`\+\d[\d ().-]{5,}\d`;
/**
 * A national number written in groups of 3, 3 and 4 digits ((397) 383-8716, 397.383.8716). The groups
 * must be separated, so that references (SO-00000313) and dates (2025-11-10) stay.
 */
export const NATIONAL_PHONE_PATTERN = String.raw`\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b`;

/** The text with contact details replaced; null when it is empty or blank. Patterns are bound parameters. */
export function redactedText(text: Expression<string | null | undefined>) {
  return sql<string | null>`nullif(trim(
    regexp_replace(
      regexp_replace(
        regexp_replace(${text}, ${EMAIL_PATTERN}, '[email]', 'g'),
        ${INTERNATIONAL_PHONE_PATTERN}, '[phone]', 'g'),
      ${NATIONAL_PHONE_PATTERN}, '[phone]', 'g')), '')`;
}
