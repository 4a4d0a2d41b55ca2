// Creates or promotes a staff/admin account:
//   npm run user:admin -- you@example.com [--role staff|admin] [--name "Your Name"]
// On the embedded database, stop the server first: one PGlite folder, one process.
import { parseArgs } from 'node:util';
import { config } from '../src/lib/server/config';
import { DatabaseConfigError, openDatabase } from '../src/lib/server/db/connect';
import { audit } from '../src/lib/server/audit';
import { generateToken } from '../src/lib/server/auth/token';
import { hashPassword } from '../src/lib/server/auth/password';
import { getUserByEmail, insertUser, setRole } from '../src/lib/server/auth/users';
import { seedEssentials } from '../src/lib/server/setup';
import type { Role } from '../src/lib/server/db/schema';

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: { role: { type: 'string', default: 'admin' }, name: { type: 'string' } }
});

const email = positionals[0];
const role = values.role as Role;
if (!email || !email.includes('@') || !['staff', 'admin'].includes(role)) {
	console.error('Usage: npm run user:admin -- you@example.com [--role staff|admin] [--name "Your Name"]');
	process.exit(2);
}

try {
	const handle = await openDatabase(config.databaseUrl, config.pgliteDir);
	try {
		await handle.migrate(config.migrationsDir);
		await seedEssentials(handle.db);
		const existing = await getUserByEmail(handle.db, email);
		if (existing) {
			await setRole(handle.db, existing.id, role);
			await audit(handle.db, {
				actorId: null,
				action: 'user.role_changed',
				subjectType: 'user',
				subjectId: existing.id,
				details: { from: existing.role, to: role, via: 'cli' }
			});
			console.log(`${existing.email} is now ${role} (was ${existing.role}). Database: ${handle.label}`);
		} else {
			// A one-time password printed once; the owner should change it at /account.
			const password = generateToken().slice(0, 20);
			const user = await insertUser(handle.db, {
				email,
				displayName: values.name ?? email.split('@')[0],
				passwordHash: await hashPassword(password),
				role,
				emailVerifiedAt: new Date()
			});
			if (!user) throw new Error('could not create the account');
			await audit(handle.db, {
				actorId: null,
				action: 'user.created',
				subjectType: 'user',
				subjectId: user.id,
				details: { role, via: 'cli' }
			});
			console.log(`Created ${role} ${user.email} with password: ${password}`);
			console.log('Sign in and change it at /account. Database: ' + handle.label);
		}
	} finally {
		await handle.close();
	}
} catch (err) {
	console.error(`user:admin failed: ${err instanceof DatabaseConfigError ? err.message : String(err)}`);
	process.exit(1);
}
