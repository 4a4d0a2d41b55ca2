// Plain, accessible emails: a text part and a simple HTML part with the same words.
import { escapeHtml } from '../../../html';

interface Message {
	subject: string;
	text: string;
	html: string;
}

export function layout(
	houseName: string,
	heading: string,
	paragraphs: string[],
	action?: { label: string; url: string },
	footer?: { text: string; links: { label: string; url: string }[] }
): string {
	const body = paragraphs.map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`).join('');
	const button = action
		? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="background:#5b3df5;color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">${escapeHtml(action.label)}</a></p><p style="margin:0 0 16px;font-size:13px;color:#555">Or paste this link into your browser: ${escapeHtml(action.url)}</p>`
		: '';
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(heading)}</title></head><body style="margin:0;padding:24px;font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a2e;background:#ffffff"><main style="max-width:560px;margin:0 auto"><p style="font-weight:700;color:#5b3df5">${escapeHtml(houseName)}</p><h1 style="font-size:22px">${escapeHtml(heading)}</h1>${body}${button}${footer ? footerHtml(footer) : ''}</main></body></html>`;
}

function footerHtml(footer: { text: string; links: { label: string; url: string }[] }): string {
	const links = footer.links
		.map((l) => `<a href="${escapeHtml(l.url)}" style="color:#555">${escapeHtml(l.label)}</a>`)
		.join(' · ');
	return `<hr style="border:none;border-top:1px solid #ddd;margin:32px 0 16px"><p style="margin:0;font-size:13px;color:#555">${escapeHtml(footer.text)}<br>${links}</p>`;
}

/** A notification by email: the inbox item's words, a link to it, and how to stop these. */
export function notificationMessage(
	houseName: string,
	item: { title: string; body: string; url: string | null },
	about: string,
	links: { unsubscribe: string; preferences: string }
): Message {
	const paragraphs = item.body ? [item.body] : [];
	const footerText = `You get this because ${about} is on in your notification settings.`;
	return {
		subject: item.title,
		text: [
			item.title,
			...paragraphs,
			item.url ? `Open: ${item.url}` : '',
			`--\n${footerText}\nUnsubscribe from these: ${links.unsubscribe}\nAll notification settings: ${links.preferences}`
		]
			.filter(Boolean)
			.join('\n\n'),
		html: layout(houseName, item.title, paragraphs, item.url ? { label: 'Open', url: item.url } : undefined, {
			text: footerText,
			links: [
				{ label: 'Unsubscribe from these', url: links.unsubscribe },
				{ label: 'All notification settings', url: links.preferences }
			]
		})
	};
}

export function verifyEmailMessage(houseName: string, name: string, url: string): Message {
	const heading = 'Confirm your email';
	const lines = [
		`Hi ${name},`,
		`Please confirm this is your email address for your ${houseName} membership. The link works for 48 hours.`
	];
	return {
		subject: `Confirm your email for ${houseName}`,
		text: `${lines.join('\n\n')}\n\nConfirm: ${url}\n\nIf you did not sign up, ignore this email.`,
		html: layout(houseName, heading, [...lines, 'If you did not sign up, ignore this email.'], {
			label: 'Confirm my email',
			url
		})
	};
}

export function resetPasswordMessage(houseName: string, name: string, url: string): Message {
	const heading = 'Reset your password';
	const lines = [
		`Hi ${name},`,
		'Someone (hopefully you) asked to reset your password. The link works for one hour and only once.'
	];
	return {
		subject: `Reset your ${houseName} password`,
		text: `${lines.join('\n\n')}\n\nReset: ${url}\n\nIf you did not ask, ignore this email: your password stays the same.`,
		html: layout(
			houseName,
			heading,
			[...lines, 'If you did not ask, ignore this email: your password stays the same.'],
			{
				label: 'Choose a new password',
				url
			}
		)
	};
}

export function passwordChangedMessage(houseName: string, name: string): Message {
	const heading = 'Your password was changed';
	const lines = [
		`Hi ${name},`,
		'Your password was just changed and every other device was signed out.',
		'If this was not you, reset your password now and contact us.'
	];
	return {
		subject: `Your ${houseName} password was changed`,
		text: lines.join('\n\n'),
		html: layout(houseName, heading, lines)
	};
}
