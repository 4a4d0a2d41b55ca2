// What a member says about themselves on their account pages: the name we call them by and the
// birthday that brings the birthday moment.
import { eq } from 'drizzle-orm';
import type { Queryable } from '../db';
import { users } from '../db/schema';

export async function updateDisplayName(db: Queryable, userId: string, displayName: string): Promise<void> {
	await db.update(users).set({ displayName, updatedAt: new Date() }).where(eq(users.id, userId));
}

export async function getBirthday(
	db: Queryable,
	userId: string
): Promise<{ month: number | null; day: number | null } | undefined> {
	const [row] = await db
		.select({ month: users.birthdayMonth, day: users.birthdayDay })
		.from(users)
		.where(eq(users.id, userId));
	return row;
}

export async function setBirthday(
	db: Queryable,
	userId: string,
	birthday: { month: number | null; day: number | null }
): Promise<void> {
	await db
		.update(users)
		.set({ birthdayMonth: birthday.month, birthdayDay: birthday.day, updatedAt: new Date() })
		.where(eq(users.id, userId));
}
