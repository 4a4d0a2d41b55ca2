import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
export const ARGON2_OPTIONS = {
	algorithm: 2, // Algorithm.Argon2id (a const enum, which isolated modules cannot import)
	memoryCost: 19456,
	timeCost: 2,
	parallelism: 1,
	outputLen: 32
} as const;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256; // argon2 takes any length; a bound keeps requests cheap

export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

// Verified when the email is unknown, so both answers take the same time.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
	dummyHash ??= hashPassword('encore-timing-equaliser');
	await verifyPassword(await dummyHash, password);
	return false;
}

/** A reason the password is refused, or null. */
export function passwordProblem(password: string, email = ''): string | null {
	if (password.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
	if (password.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
	if (new Set(password).size < 4) return 'That password is too repetitive.';
	const local = email.split('@')[0]?.toLowerCase();
	if (local && local.length >= 4 && password.toLowerCase().includes(local))
		return 'Your password should not contain your email address.';
	if (COMMON.has(password.toLowerCase())) return 'That password is too common; choose another.';
	return null;
}

const COMMON = new Set([
	'password123',
	'password1234',
	'1234567890',
	'12345678910',
	'qwertyuiop',
	'iloveyou123',
	'letmein123',
	'welcome123',
	'passw0rd123',
	'administrator',
	'abcdefghij',
	'0123456789',
	'1q2w3e4r5t'
]);
