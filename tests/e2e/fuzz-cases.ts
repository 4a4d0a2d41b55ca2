// The malformed requests of the fuzz suite (tests/e2e/fuzz.spec.ts), built from the route tree:
// pure, so they can be counted without a server.
import fc from 'fast-check';
import { MATCHING, urlOf, type RouteNode } from './route-tree';

/** fast-check's seed: the same garbage on every run (FUZZ_SEED explores another). */
const SEED = Number(process.env.FUZZ_SEED) || 20_240;

export type Role = 'visitor' | 'fan' | 'staff';
export const ROLES: Role[] = ['visitor', 'fan', 'staff'];

/** Values for route parameters and query strings (URL-encoded). */
const PARAM_JUNK = [
	'%00',
	'a%00b',
	'2147483648',
	'99999999999999999999',
	'-1',
	'1e309',
	'0',
	'abc',
	'%FF',
	'x'.repeat(3000)
];
/** Query-string values. */
const QUERY_JUNK = ['%00', '2147483648', '99999999999999999999', '-1', '%FF', 'x'.repeat(3000)];
/** Values for form fields. */
const FIELD_JUNK = [
	'x\u0000y',
	'2147483648',
	'99999999999999999999',
	'-1',
	'1e309',
	'1.5',
	'abc',
	'\u0007\u001b'
];

export interface Case {
	label: string;
	method: string;
	path: string;
	headers?: Record<string, string>;
	body?: string | Buffer | FormData;
}

export const form = (entries: [string, string][]) => new URLSearchParams(entries).toString();
export const URLENCODED = { 'content-type': 'application/x-www-form-urlencoded' };

/** The request bodies every POST gets; `fields` are the names its page's forms send. */
function bodyCases(fields: string[], at: string): Omit<Case, 'method' | 'path'>[] {
	const names = fields.length ? fields : ['id'];
	const all = (value: string) => form(names.map((n) => [n, value]));
	const baseline = (name: string, value: string) => form(names.map((n) => [n, n === name ? value : '1']));
	const cases: Omit<Case, 'method' | 'path'>[] = [
		{
			label: 'multipart without a boundary',
			headers: { 'content-type': 'multipart/form-data' },
			body: all('1')
		},
		{
			label: 'multipart cut short',
			headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
			body: `--XyZ\r\nContent-Disposition: form-data; name="${names[0]}"\r\n\r\n1`
		},
		{
			label: 'multipart with NUL in every field and a junk file',
			body: (() => {
				const data = new FormData();
				for (const n of names) data.append(n, 'a\u0000b');
				data.append('file', new Blob([Buffer.from([0, 255, 1, 2])]), 'x\u0000.png');
				return data;
			})()
		},
		{ label: 'text/plain body', headers: { 'content-type': 'text/plain' }, body: 'junk' },
		{ label: 'JSON body', headers: { 'content-type': 'application/json' }, body: '{"a":1' },
		{ label: 'no content type', body: Buffer.from(all('1')) },
		{ label: 'empty body', headers: URLENCODED, body: '' },
		{
			label: 'invalid UTF-8 (percent-encoded)',
			headers: URLENCODED,
			body: names.map((n) => `${n}=%FF%FE%C3`).join('&')
		},
		{
			label: 'invalid UTF-8 (raw bytes)',
			headers: URLENCODED,
			body: Buffer.concat(
				names.map((n, i) =>
					Buffer.concat([Buffer.from(`${i ? '&' : ''}${n}=`), Buffer.from([0xff, 0xc3, 0x28])])
				)
			)
		},
		{ label: 'NUL in every field', headers: URLENCODED, body: all('a\u0000b') },
		{
			label: 'control characters in every field',
			headers: URLENCODED,
			body: all('\u0001\u0008\u001f\u007f')
		},
		{ label: 'oversized fields (300 kB each)', headers: URLENCODED, body: all('x'.repeat(300_000)) },
		{
			label: 'thousands of fields',
			headers: URLENCODED,
			body: form([
				...names.map((n): [string, string] => [n, '1']),
				...Array.from({ length: 5000 }, (_, i): [string, string] => [`f${i}`, '1'])
			])
		},
		{
			label: 'one field 5000 times',
			headers: URLENCODED,
			body: form(Array.from({ length: 5000 }, (): [string, string] => [names[0], '1']))
		},
		// As the enhanced form sends it: SvelteKit answers with a JSON action result.
		{
			label: 'multipart without a boundary (enhanced)',
			headers: {
				'content-type': 'multipart/form-data',
				accept: 'application/json',
				'x-sveltekit-action': 'true'
			},
			body: all('1')
		},
		{
			label: 'NUL in every field (enhanced)',
			headers: { ...URLENCODED, accept: 'application/json', 'x-sveltekit-action': 'true' },
			body: all('\u0000')
		}
	];
	// Every junk value in every field at once (a schema reports them all, so none hides another)…
	for (const value of FIELD_JUNK)
		cases.push({ label: `every field ${JSON.stringify(value)}`, headers: URLENCODED, body: all(value) });
	// …and NUL in one field at a time, the others plausible.
	for (const name of names)
		cases.push({ label: `${name}=NUL`, headers: URLENCODED, body: baseline(name, 'x\u0000y') });
	// Seeded random garbage: strings of any code points (lone surrogates and control characters
	// included), numbers of any size, and the junk above, in every field at once.
	const value = fc.oneof(
		fc.string({ unit: 'binary', maxLength: 40 }),
		fc.bigInt().map(String),
		fc.double().map(String),
		fc.constantFrom(...FIELD_JUNK, '', ' ', 'true', 'on', '[]', '{}')
	);
	const samples = fc.sample(fc.array(value, { minLength: names.length, maxLength: names.length }), {
		numRuns: 3,
		seed: SEED + hash(at)
	});
	for (const values of samples) {
		cases.push({
			label: `random ${JSON.stringify(Object.fromEntries(names.map((n, i) => [n, values[i]])))}`.slice(
				0,
				300
			),
			headers: URLENCODED,
			body: form(names.map((n, i) => [n, values[i]]))
		});
	}
	return cases;
}

/** JSON endpoints also get JSON that is wrong in every way. */
const JSON_JUNK = [
	'{',
	'null',
	'[]',
	'"\u0000"',
	'{"items":null}',
	'{"items":[null]}',
	'{"items":[{"idempotencyKey":"a\\u0000b","member":{"email":"\\u0000"},"kind":"\\u0000","object":"\\u0000","occurredAt":"\\u0000"}]}',
	'{"items":[{"idempotencyKey":"k1","member":{"id":99999999999999999999},"kind":"venue_checkin","occurredAt":"2026-01-01T00:00:00Z"}]}',
	'{"items":[{"idempotencyKey":"k2","member":{"id":2147483648},"kind":"venue_checkin","occurredAt":"1e309"}]}',
	'{"items":[{"idempotencyKey":"k3","member":{"id":-1},"kind":"venue_checkin","occurredAt":"2026-01-01T00:00:00Z"}]}',
	'{"body":"\\u0000","dropId":99999999999999999999}',
	'{"body":1e309,"dropId":"%00"}',
	'['.repeat(50_000),
	'{"id":"evt_\\u0000","type":"checkout.session.completed","data":{"object":{"id":"\\u0000"}}}'
];

function hash(text: string): number {
	let h = 0;
	for (const c of text) h = (h * 31 + c.charCodeAt(0)) | 0;
	return Math.abs(h);
}

export function casesFor(node: RouteNode): Case[] {
	const cases: Case[] = [];
	const ones = urlOf(node);
	const withParam = (param: string, value: string) =>
		urlOf(node, (p, m) => (p === param ? value : (m && MATCHING[m]) || '1'));
	const getTargets = [...(node.page ? ['page'] : []), ...(node.handlers.includes('GET') ? ['GET'] : [])];
	for (const kind of getTargets.slice(0, 1)) {
		cases.push({ label: `${kind}`, method: 'GET', path: ones });
		for (const p of node.params)
			for (const v of PARAM_JUNK)
				cases.push({ label: `[${p}]=${v.slice(0, 20)}`, method: 'GET', path: withParam(p, v) });
		for (const q of new Set([...node.queryNames, ...node.fields]))
			for (const v of QUERY_JUNK)
				cases.push({ label: `?${q}=${v.slice(0, 20)}`, method: 'GET', path: `${ones}?${q}=${v}` });
	}
	const posts: { path: string; at: string }[] = [
		...node.actions.map((a) => ({
			path: a === 'default' ? ones : `${ones}?/${a}`,
			at: `${node.rel} ?/${a}`
		})),
		...node.handlers.filter((m) => m !== 'GET').map((m) => ({ path: ones, at: `${node.rel} ${m}` }))
	];
	for (const post of posts) {
		const method = node.handlers.includes('POST') || !node.actions.length ? 'POST' : 'POST';
		for (const c of bodyCases(node.fields, post.at)) cases.push({ ...c, method, path: post.path });
		if (node.handlers.includes('POST') && !node.actions.length) {
			for (const body of JSON_JUNK)
				cases.push({
					label: `JSON ${body.slice(0, 60)}`,
					method,
					path: post.path,
					headers: { 'content-type': 'application/json' },
					body
				});
		}
		for (const p of node.params) {
			const url = post.path.replace(ones, '');
			for (const v of PARAM_JUNK)
				cases.push({
					label: `[${p}]=${v.slice(0, 20)}`,
					method,
					path: withParam(p, v) + url,
					headers: URLENCODED,
					body: form(node.fields.map((n) => [n, '1']))
				});
		}
	}
	return cases;
}
