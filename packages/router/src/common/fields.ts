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
