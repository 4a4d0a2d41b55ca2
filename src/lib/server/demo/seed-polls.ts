// Demo co-creation: an open poll of each kind, a closed one with its outcome, and a few ideas.
// Idempotent: keyed on the poll questions and idea titles, inserted once.
import { eq, inArray } from 'drizzle-orm';
import type { Database } from '../db';
import { ideas, polls, users } from '../db/schema';
import { castBallot, closePollNow, createPoll, getPoll, publishOutcome, type NewPoll } from '../polls';

const DAY = 86_400_000;

const QUESTIONS = {
	single: 'Which song should close the spring tour?',
	multiple: 'Which merch should we make next?',
	ranked: 'Rank the cities for the autumn club shows',
	closed: 'Acoustic set or full band for the anniversary show?'
};

export async function seedPollsDemo(db: Database): Promise<void> {
	const existing = await db
		.select({ id: polls.id })
		.from(polls)
		.where(inArray(polls.question, Object.values(QUESTIONS)))
		.limit(1);
	const people = await db
		.select({ id: users.id, email: users.email })
		.from(users)
		.where(
			inArray(users.email, ['staff@encore.demo', 'mara@encore.demo', 'theo@encore.demo', 'ines@encore.demo'])
		);
	const id = (email: string) => people.find((p) => p.email === email)?.id;
	const staff = id('staff@encore.demo');
	const [theo, ines] = [id('theo@encore.demo'), id('ines@encore.demo')];
	if (existing.length || !staff || !theo || !ines) return;

	const now = Date.now();
	const base = {
		description: '',
		imageUrl: null,
		maxChoices: null,
		eligibleRanks: [],
		opensAt: new Date(now - DAY),
		closesAt: new Date(now + 14 * DAY),
		resultsVisibility: 'after_vote',
		tierWeights: null,
		allowChange: false
	} satisfies Partial<NewPoll>;
	const opts = (...labels: string[]) => labels.map((label) => ({ label, imageUrl: null }));

	const single = await createPoll(
		db,
		{
			...base,
			question: QUESTIONS.single,
			description: 'The last song of the night, every night in April and May.',
			kind: 'single',
			options: opts('Lanterns', 'Tram Depot', 'Owl Song', 'Slow Return'),
			allowChange: true
		},
		staff
	);
	await createPoll(
		db,
		{
			...base,
			question: QUESTIONS.multiple,
			description: 'Pick up to two. The winners go into production this summer.',
			kind: 'multiple',
			maxChoices: 2,
			options: opts('Tour poster', 'Embroidered cap', 'Lyric book', 'Cassette reissue', 'Enamel pin'),
			resultsVisibility: 'after_close'
		},
		staff
	);
	const ranked = await createPoll(
		db,
		{
			...base,
			question: QUESTIONS.ranked,
			description: 'Rank as many as you like: 1 is where you most want us to play.',
			kind: 'ranked',
			options: opts('Antwerp', 'Lille', 'Utrecht', 'Cologne', 'Liège'),
			tierWeights: { '3': 2, '4': 3 }
		},
		staff
	);
	const closed = await createPoll(
		db,
		{
			...base,
			question: QUESTIONS.closed,
			description: 'Ten years of The Night Owls: how should we play the birthday show?',
			kind: 'single',
			options: opts('Acoustic set', 'Full band'),
			opensAt: new Date(now - 20 * DAY),
			closesAt: new Date(now + DAY)
		},
		staff
	);

	// A few ballots so results are not empty (Mara's are left for the demo visitor to cast).
	const option = async (pollId: number, i: number) => String((await getPoll(db, pollId))!.options[i].id);
	await castBallot(db, {
		pollId: single.id,
		memberId: theo,
		rank: 0,
		input: { choices: [await option(single.id, 1)] }
	});
	await castBallot(db, {
		pollId: single.id,
		memberId: ines,
		rank: 0,
		input: { choices: [await option(single.id, 0)] }
	});
	await castBallot(db, {
		pollId: ranked.id,
		memberId: theo,
		rank: 0,
		input: { ranks: { [await option(ranked.id, 2)]: '1', [await option(ranked.id, 0)]: '2' } }
	});
	for (const [member, i] of [
		[theo, 0],
		[ines, 0]
	] as const)
		await castBallot(db, {
			pollId: closed.id,
			memberId: member,
			rank: 0,
			input: { choices: [await option(closed.id, i)] }
		});
	await closePollNow(db, closed.id, staff);
	await publishOutcome(
		db,
		closed.id,
		'You chose the acoustic set. We play it on 14 March at the Handelsbeurs, Ghent; Insiders get first pick of seats.',
		staff
	);

	const [mara] = people.filter((p) => p.email === 'mara@encore.demo');
	if (mara) {
		const seeded = await db.select({ id: ideas.id }).from(ideas).where(eq(ideas.memberId, mara.id)).limit(1);
		if (seeded.length === 0)
			await db.insert(ideas).values([
				{
					memberId: mara.id,
					title: 'A livestream from the tram depot',
					body: 'Play the new songs where you wrote them, for everyone who cannot travel.'
				},
				{
					memberId: theo,
					title: 'Vinyl with the demo versions',
					body: 'The rough takes are half the charm.',
					status: 'under_review'
				},
				{
					memberId: ines,
					title: 'Songwriting workshop for fans',
					status: 'done'
				},
				{
					memberId: theo,
					title: 'Matinee shows for families',
					status: 'declined',
					declineReason: 'Our venues this year have no daytime slots; we will ask again next season.'
				}
			]);
	}
}
