/**
 * The vocabulary contracts are written in. Each helper is a plain zod schema; the column types, the SQL
 * checks, the docs and the JSON Schema are all derived from these schemas (see ../columns.ts), so a
 * contract is written once.
 */

import { z } from "zod";
import { isIanaTimeZone } from "../time-zone.ts";

/** A key or reference: a non-empty string. */
export const id = () => z.string().min(1);

/** Free text: anything, kept byte for byte. */
export const text = () => z.string();

/** An instant: ISO 8601 with an offset or `Z`. */
export const timestamp = () => z.iso.datetime({ offset: true });

/**
 * An instant that is planned rather than observed (a promised ship date, a rostered shift), so it may
 * lie in the future; observed timestamps may not, beyond the load's tolerance.
 */
export const scheduledTimestamp = () => timestamp().meta({ may_be_future: true });

/** One of a closed list of codes. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values);

/** A count or whole-number code. */
export const integer = () => z.number().int();

/** A measured quantity. */
export const decimal = () => z.number();

export const flag = () => z.boolean();

/** A calendar day, YYYY-MM-DD. */
export const date = () => z.iso.date();

/** An IANA time zone name such as Europe/Berlin (checked against the zones DuckDB and Intl know). */
export const timeZone = () =>
  z.string().refine(isIanaTimeZone, "not an IANA time zone").meta({ check: "iana_time_zone" });

/** A list of codes; in CSV written as one field separated by | or ; (or as a JSON array). */
export const listOf = <T extends z.ZodType>(item: T) => z.array(item).min(1);

/** An ISO 4217 currency code. */
export const currency = () => z.string().regex(/^[A-Z]{3}$/);

/** A field the source may leave empty. */
export const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/**
 * Personal data (marked † in the contract): never reaches a mart or the site; dropped or hashed at
 * staging as the policy says.
 */
export const personal = <T extends z.ZodType>(schema: T) => schema.meta({ personal: true });

export const described = <T extends z.ZodType>(schema: T, description: string) =>
  schema.meta({ description });
