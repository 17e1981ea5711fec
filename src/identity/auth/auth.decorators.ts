import { SetMetadata } from '@nestjs/common';

export const ACCESS = 'access';

/**
 * Who may call an operation. Mutations are `authenticated` unless marked otherwise, queries are
 * `public` unless marked otherwise.
 */
export type Access = 'public' | 'authenticated' | 'admin';

/** Anyone may call it, without a token (sign-up, log-in). */
export const Public = () => SetMetadata(ACCESS, 'public' satisfies Access);
/** Needs a valid session token. */
export const Authenticated = () => SetMetadata(ACCESS, 'authenticated' satisfies Access);
/** Needs an ADMIN's session token. */
export const AdminOnly = () => SetMetadata(ACCESS, 'admin' satisfies Access);
