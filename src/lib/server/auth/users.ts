import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db';
import { users, type Role, type User } from '../db/schema';

export function normaliseEmail(email: string): string {
	return email.trim().toLowerCase();
}

export async function getUserByEmail(db: Queryable, email: string): Promise<User | undefined> {
	const [user] = await db
		.select()
		.from(users)
		.where(sql`lower(${users.email}) = ${normaliseEmail(email)}`)
		.limit(1);
	return user;
}

export async function getUserById(db: Queryable, id: string): Promise<User | undefined> {
	const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
	return user;
}

export interface NewUser {
	email: string;
	displayName: string;
	passwordHash: string;
	role?: Role;
	consentAnalytics?: boolean;
	consentMarketing?: boolean;
	emailVerifiedAt?: Date | null;
}

/** Inserts the user, or returns null when the email is taken (checked by the unique index). */
export async function insertUser(db: Queryable, input: NewUser): Promise<User | null> {
	const now = new Date();
	const [user] = await db
		.insert(users)
		.values({
			email: normaliseEmail(input.email),
			displayName: input.displayName.trim(),
			passwordHash: input.passwordHash,
			role: input.role ?? 'fan',
			consentAnalytics: input.consentAnalytics ?? false,
			consentMarketing: input.consentMarketing ?? false,
			consentUpdatedAt: now,
			emailVerifiedAt: input.emailVerifiedAt ?? null
		})
		.onConflictDoNothing()
		.returning();
	return user ?? null;
}

export async function updatePasswordHash(db: Queryable, userId: string, passwordHash: string): Promise<void> {
	await db.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId));
}

export async function setRole(db: Queryable, userId: string, role: Role): Promise<void> {
	await db.update(users).set({ role, updatedAt: new Date() }).where(eq(users.id, userId));
}
