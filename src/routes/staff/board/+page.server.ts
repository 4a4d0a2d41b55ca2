import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { requireStaff } from '$lib/server/auth';
import { parseBoardForm, createBoard, listBoards } from '$lib/server/board';
import { formValues } from '$lib/server/forms';
import { houseTimeZone } from '$lib/server/house';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http';
import { newSubmissionKey, submissionKeyOf, submitOnce } from '$lib/server/submit-once';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const rows = await listBoards(getDb());
	return {
		boards: rows.map(({ board, pending }) => ({
			id: board.id,
			name: board.name,
			seats: board.seats,
			seatsTaken: board.seatsTaken,
			termEndsAt: board.termEndsAt.toISOString(),
			pending
		})),
		submission: newSubmissionKey()
	};
};

export const actions: Actions = {
	create: async (event) => {
		const staff = requireStaff(event);
		const form = await readForm(event);
		const values = formValues(form);
		const parsed = parseBoardForm(values, houseTimeZone());
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values });
		const to = await submitOnce(
			getDb(),
			{ kind: 'board', key: submissionKeyOf(form), actorId: staff.id },
			async () => {
				const board = await createBoard(getDb(), parsed.value, staff.id);
				return `/staff/board/${board.id}`;
			}
		);
		redirect(303, to!);
	}
};
