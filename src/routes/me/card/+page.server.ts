import QRCode from 'qrcode';
import { requireUser } from '$lib/server/auth';
import { getDb } from '$lib/server/db';
import { houseTimeZone } from '$lib/server/house';
import { formatMonthYear } from '$lib/time';
import {
	formatManualCode,
	getMemberCardKey,
	manualCode,
	signMemberToken,
	getStanding
} from '$lib/server/loyalty';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const db = getDb();
	const [key, standing] = await Promise.all([getMemberCardKey(db), getStanding(db, user.id)]);
	const token = signMemberToken(key, user.id);
	// Dark modules on white with a 4-module quiet zone, whatever the theme; level Q survives glare and cracks.
	const qrSvg = await QRCode.toString(token, {
		type: 'svg',
		errorCorrectionLevel: 'Q',
		margin: 4,
		color: { dark: '#000000ff', light: '#ffffffff' }
	});
	return {
		card: {
			name: user.displayName,
			tier: { name: standing.tier.name, colour: standing.tier.colour },
			memberSince: formatMonthYear(user.createdAt, houseTimeZone()),
			qrSvg,
			manualCode: formatManualCode(manualCode(key, user.id))
		}
	};
};
