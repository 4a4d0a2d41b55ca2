// The privacy emails: account deleted, and the warning before an inactive account is removed.
import { layout } from '../notifications';

interface Message {
	subject: string;
	text: string;
	html: string;
}

export function accountDeletedMessage(
	houseName: string,
	name: string,
	reason: 'member' | 'retention'
): Message {
	const heading = 'Your account has been deleted';
	const lines = [
		`Hi ${name},`,
		reason === 'retention'
			? `Your ${houseName} account had not been used for a long time, so we have deleted it as we said we would.`
			: `As you asked, we have deleted your ${houseName} account.`,
		'Your name, email address, notifications and sign-ins are erased. What stays is anonymous: points and tier history counted under "Deleted member", so our totals still add up.',
		'This is the last email you will get from us. You are welcome back any time with a new account.'
	];
	return {
		subject: `Your ${houseName} account has been deleted`,
		text: lines.join('\n\n'),
		html: layout(houseName, heading, lines)
	};
}

export function inactiveWarningMessage(
	houseName: string,
	name: string,
	removalDate: string,
	signInUrl: string
): Message {
	const heading = 'We will delete your account unless you sign in';
	const lines = [
		`Hi ${name},`,
		`You have not used your ${houseName} account for a long time. To keep only the data we need, we will delete it on ${removalDate}.`,
		'Want to keep it, with your points and tier? Just sign in before then and nothing will be deleted.'
	];
	return {
		subject: `Your ${houseName} account will be deleted on ${removalDate}`,
		text: `${lines.join('\n\n')}\n\nSign in: ${signInUrl}`,
		html: layout(houseName, heading, lines, { label: 'Sign in to keep my account', url: signInUrl })
	};
}
