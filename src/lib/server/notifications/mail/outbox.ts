// Every email goes through the outbox table first: nothing is lost when SMTP is down,
// and without SMTP the dev mailbox page reads it.
import { desc, eq } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import { config } from '../../config';
import type { Queryable } from '../../db';
import { mailOutbox, type MailMessage } from '../../db/schema';
import { log } from '../../log';

export interface OutgoingMail {
	to: string;
	subject: string;
	text: string;
	html: string;
	kind: string;
	headers?: Record<string, string>;
}

let transporter: Transporter | undefined;
function smtp(): Transporter | undefined {
	if (!config.smtpUrl) return undefined;
	transporter ??= nodemailer.createTransport(config.smtpUrl);
	return transporter;
}

/** Stores the message; call `deliverPending` (or let `sendMail` do it) after the transaction commits. */
export async function enqueueMail(db: Queryable, mail: OutgoingMail): Promise<MailMessage> {
	const [row] = await db.insert(mailOutbox).values(mail).returning();
	return row;
}

export async function deliver(db: Queryable, message: MailMessage): Promise<void> {
	const transport = smtp();
	if (!transport) return; // stays in the outbox for the dev mailbox
	try {
		await transport.sendMail({
			from: config.mailFrom,
			to: message.to,
			subject: message.subject,
			text: message.text,
			html: message.html,
			headers: message.headers ?? undefined
		});
		await db
			.update(mailOutbox)
			.set({ sentAt: new Date(), attempts: message.attempts + 1, lastError: null })
			.where(eq(mailOutbox.id, message.id));
	} catch (err) {
		log.error('mail delivery failed', { id: message.id, error: String(err) });
		await db
			.update(mailOutbox)
			.set({ attempts: message.attempts + 1, lastError: String(err).slice(0, 500) })
			.where(eq(mailOutbox.id, message.id));
	}
}

export async function sendMail(db: Queryable, mail: OutgoingMail): Promise<MailMessage> {
	const message = await enqueueMail(db, mail);
	await deliver(db, message);
	return message;
}

export function listMail(db: Queryable, limit = 50): Promise<MailMessage[]> {
	return db.select().from(mailOutbox).orderBy(desc(mailOutbox.id)).limit(limit);
}

export const mailMode = (): 'smtp' | 'outbox' => (config.smtpUrl ? 'smtp' : 'outbox');
