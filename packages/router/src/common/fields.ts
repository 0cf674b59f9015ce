import { z } from 'zod';
import 'zod-openapi';

/**
 * trpc-to-openapi switches on `coerce` in every number and boolean schema it
 * is handed, mutating the schema that RPC shares (STACK.md). It does not look
 * inside a pipe, so numbers and booleans of inputs are declared through these:
 * RPC stays strict, and REST query strings are converted by the REST layer from
 * the OpenAPI document.
 */
export const int = (min: number, max: number) => z.int().min(min).max(max).pipe(z.int());
export const bool = () => z.boolean().pipe(z.boolean());

/**
 * A name: trimmed, one line, no control characters (C0, DEL, C1): they corrupt
 * logs, CSV exports and terminals, and no client means them.
 */
export const line = () => z.string().trim().regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'Must be one line without control characters');
/** Free text: tabs and line breaks allowed, other control characters not. */
export const text = () => z.string().regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/, 'Must not contain control characters other than tabs and line breaks');

export const uuid = () => z.uuid({ message: 'Must be a UUID' });
export const isoDate = () => z.iso.datetime({ offset: true });

/** Trimmed, lower-cased email (SPEC §1). */
export const email = () =>
  z
    .string()
    .trim()
    .max(254)
    .toLowerCase()
    .pipe(z.email({ message: 'Must be an email address' }));

export const timestamps = {
  createdAt: isoDate(),
  updatedAt: isoDate(),
};
