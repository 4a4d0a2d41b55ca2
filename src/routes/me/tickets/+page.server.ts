import QRCode from 'qrcode';
import { requireUser } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { listMemberTickets } from '$lib/server/tickets';
import type { PageServerLoad } from './$types';

// The QR is rendered here as SVG inside the page's HTML, so the service worker's saved copy of this
// page (kept per device and emptied on sign-out) shows every code and QR without a connection.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const tickets = await listMemberTickets(getDb(), user.id);
	return {
		tickets: await Promise.all(
			tickets.map(async (t) => ({
				...t,
				qrSvg:
					t.status === 'claimed'
						? await QRCode.toString(t.qrText, {
								type: 'svg',
								errorCorrectionLevel: 'Q',
								margin: 4,
								color: { dark: '#000000ff', light: '#ffffffff' }
							})
						: null
			}))
		)
	};
};
