import { describe, expect, it } from 'vitest';
import {
	DatabaseConfigError,
	openPostgres,
	parseDatabaseUrl,
	redactUrl,
	rowsOf,
	socketOptions
} from '$lib/server/db/connect';

function messageOf(fn: () => unknown): string {
	try {
		fn();
	} catch (e) {
		expect(e).toBeInstanceOf(DatabaseConfigError);
		return (e as Error).message;
	}
	throw new Error('expected a DatabaseConfigError');
}

describe('parseDatabaseUrl', () => {
	it('accepts postgres:// and postgresql:// URLs', () => {
		expect(parseDatabaseUrl('postgres://encore:secret@db.internal:5432/encore').hostname).toBe('db.internal');
		expect(parseDatabaseUrl('postgresql://encore@127.0.0.1/encore').port).toBe('');
		// A Unix socket given as ?host= has no hostname in the URL itself.
		expect(parseDatabaseUrl('postgres:///encore?host=/var/run/postgresql').pathname).toBe('/encore');
	});

	it.each([
		['not a url', 'DATABASE_URL is not a valid URL (expected postgres://user@host:5432/db)'],
		['', 'DATABASE_URL is not a valid URL (expected postgres://user@host:5432/db)'],
		[
			'mysql://root@localhost/encore',
			'DATABASE_URL must start with postgres:// or postgresql:// (got mysql://)'
		],
		[
			'http://localhost:5432/encore',
			'DATABASE_URL must start with postgres:// or postgresql:// (got http://)'
		],
		['postgres:///encore', 'DATABASE_URL has no host']
	])('refuses %j with one clear line', (url, expected) => {
		const message = messageOf(() => parseDatabaseUrl(url));
		expect(message).toBe(expected);
		expect(message).not.toContain('\n');
	});

	it('never repeats the password in its message', () => {
		const message = messageOf(() => parseDatabaseUrl('mysql://root:hunter2-secret@localhost/encore'));
		expect(message).not.toContain('hunter2');
	});
});

describe('redactUrl', () => {
	it('removes the password and keeps everything else', () => {
		expect(redactUrl('postgres://encore:s3cr%40t@db.internal:5432/encore?sslmode=require')).toBe(
			'postgres://encore@db.internal:5432/encore?sslmode=require'
		);
		expect(redactUrl('postgres://encore@db.internal/encore')).toBe('postgres://encore@db.internal/encore');
	});

	it('says so when the URL cannot be parsed (rather than echoing it)', () => {
		// No "://": new URL() throws, and the secret must not leak through the message.
		expect(redactUrl('postgres//encore:secret@db/encore')).toBe('(unparseable URL)');
	});
});

describe('openPostgres', () => {
	it('fails fast with one line naming the redacted URL when nothing listens', async () => {
		// Port 1 on localhost: connection refused at once.
		const error = await openPostgres('postgres://encore:hunter2@127.0.0.1:1/encore').then(
			() => null,
			(e: unknown) => e
		);
		expect(error).toBeInstanceOf(DatabaseConfigError);
		const message = (error as Error).message;
		expect(message).toMatch(/^cannot connect to postgres:\/\/encore@127\.0\.0\.1:1\/encore: /);
		expect(message).not.toContain('hunter2');
		expect(message).not.toContain('\n');
	});

	it('refuses a bad URL before trying to connect', async () => {
		await expect(openPostgres('mysql://x@y/z')).rejects.toThrow(DatabaseConfigError);
	});
});

describe('rowsOf', () => {
	it('reads rows from both drivers’ result shapes', () => {
		expect(rowsOf([{ a: 1 }])).toEqual([{ a: 1 }]); // postgres.js
		expect(rowsOf({ rows: [{ a: 1 }], fields: [] })).toEqual([{ a: 1 }]); // PGlite
		expect(rowsOf({})).toEqual([]);
	});
});

describe('socketOptions', () => {
	it('takes a Unix socket directory out of the URL for postgres.js', () => {
		expect(socketOptions('postgres://app@localhost/encore?host=/var/run/postgresql&sslmode=disable')).toEqual(
			{
				url: 'postgres://app@localhost/encore?sslmode=disable',
				host: '/var/run/postgresql'
			}
		);
	});

	it('leaves a URL without a socket as it is', () => {
		const url = 'postgres://app:secret@db.example.com:5432/encore?host=db.example.com';
		expect(socketOptions(url)).toEqual({ url });
		expect(socketOptions('postgres://app@127.0.0.1/encore')).toEqual({
			url: 'postgres://app@127.0.0.1/encore'
		});
	});
});
