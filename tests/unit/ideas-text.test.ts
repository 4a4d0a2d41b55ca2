import { describe, expect, it } from 'vitest';
import { checkIdea } from '$lib/server/ideas/store';
import { cleanLine, cleanText } from '$lib/server/ideas/text';

describe('member text', () => {
	it('strips tags, control characters and runaway blank lines, keeping what people wrote', () => {
		expect(cleanText('  <script>alert(1)</script>I <3 this\u0000 band\r\n\r\n\r\n\r\nreally  ')).toBe(
			'alert(1)I <3 this band\n\nreally'
		);
		expect(cleanLine('A\n\nlong   title')).toBe('A long title');
		expect(cleanText('right-to-left \u202Etrick')).toBe('right-to-left trick');
	});

	it('checks an idea’s length by field', () => {
		expect(checkIdea({ title: 'Hi', body: '' })).toEqual({
			ok: false,
			errors: { title: 'Write at least 5 characters for the idea.' }
		});
		expect(checkIdea({ title: 'A good idea', body: 'x'.repeat(601) })).toEqual({
			ok: false,
			errors: { body: 'Keep the details to 600 characters (it has 601).' }
		});
		expect(checkIdea({ title: ' <b>Vinyl</b> reissue ', body: '' })).toEqual({
			ok: true,
			idea: { title: 'Vinyl reissue', body: '' }
		});
	});
});
