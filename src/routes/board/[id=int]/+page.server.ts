import { error, fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { isStaff, requireUser } from '$lib/server/auth';
import {
	addPost,
	getBoard,
	isBoardMember,
	listPosts,
	listSessions,
	moderatePost,
	rsvp,
	type PostView
} from '$lib/server/board';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { readForm } from '$lib/server/http';
import { idFrom } from '$lib/server/forms';

interface PostData {
	id: number;
	body: string;
	author: string;
	authorIsStaff: boolean;
	pinned: boolean;
	hidden: boolean;
	createdAt: string;
	replies: PostData[];
}

function boardId(raw: string): number {
	const id = Number(raw);
	if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) error(404, 'Board not found');
	return id;
}

/** Members who accepted a seat, and staff; everyone else gets 403 (and learns nothing of the board). */
async function requireBoardAccess(event: RequestEvent) {
	const user = requireUser(event);
	const db = getDb();
	const board = await getBoard(db, boardId(event.params.id));
	if (!board) error(404, 'Board not found');
	const staff = isStaff(user);
	if (!staff && !(await isBoardMember(db, board.id, user.id)))
		error(403, 'This board page is for its members.');
	return { user, board, staff };
}

export const load: PageServerLoad = async (event) => {
	const { user, board, staff } = await requireBoardAccess(event);
	const db = getDb();
	const [posts, sessions] = await Promise.all([
		listPosts(db, board.id, staff),
		listSessions(db, board.id, user.id)
	]);
	const view = (p: PostView): PostData => ({
		id: p.id,
		body: p.body,
		author: p.author,
		authorIsStaff: p.authorIsStaff,
		pinned: p.pinned,
		hidden: p.hidden,
		createdAt: p.createdAt.toISOString(),
		replies: p.replies.map(view)
	});
	return {
		board: {
			id: board.id,
			name: board.name,
			purpose: board.purpose,
			termEndsAt: board.termEndsAt.toISOString()
		},
		staff,
		updates: posts.filter((p) => p.isUpdate).map(view),
		threads: posts.filter((p) => !p.isUpdate).map(view),
		sessions: sessions.map((s) => ({
			id: s.id,
			title: s.title,
			startsAt: s.startsAt.toISOString(),
			link: s.link,
			mine: s.mine,
			yes: s.yes,
			maybe: s.maybe,
			no: s.no
		}))
	};
};

export const actions: Actions = {
	post: async (event) => {
		const { user, board } = await requireBoardAccess(event);
		const form = await readForm(event);
		const body = String(form.get('body') ?? '');
		const parent = idFrom(form.get('parent')) ?? 0;
		const parentId = Number.isInteger(parent) && parent > 0 && parent < 2_147_483_647 ? parent : null;
		const result = await addPost(getDb(), { boardId: board.id, authorId: user.id, body, parentId });
		if (!result.ok) return fail(400, { parent: parentId ?? 0, error: result.errors.body, body });
		return { posted: parentId ?? 0 };
	},
	moderate: async (event) => {
		const { user, board, staff } = await requireBoardAccess(event);
		if (!staff) error(403, 'Only staff can moderate.');
		const form = await readForm(event);
		const action = String(form.get('action'));
		const postId = idFrom(form.get('post')) ?? 0;
		if (!['pin', 'unpin', 'hide', 'show'].includes(action) || !Number.isInteger(postId) || postId <= 0)
			return fail(400, { moderateError: 'Unknown moderation action.' });
		await moderatePost(getDb(), { boardId: board.id, postId, action: action as 'pin', staffId: user.id });
		return { moderated: true };
	},
	rsvp: async (event) => {
		const { user, board } = await requireBoardAccess(event);
		const form = await readForm(event);
		const response = String(form.get('response'));
		const sessionId = idFrom(form.get('session')) ?? 0;
		if (!['yes', 'no', 'maybe'].includes(response) || !Number.isInteger(sessionId) || sessionId <= 0)
			return fail(400, { rsvpError: 'Choose yes, maybe or no.' });
		const ok = await rsvp(getDb(), {
			boardId: board.id,
			sessionId,
			memberId: user.id,
			response: response as 'yes'
		});
		if (!ok) return fail(404, { rsvpError: 'This session does not exist.' });
		return { rsvped: sessionId };
	}
};
