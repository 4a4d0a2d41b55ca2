// The enhancement most forms want: the button shows it is working while the action runs, and the
// fields keep what the person typed (the action's result refills or replaces them).
import type { SubmitFunction } from '@sveltejs/kit';

export function busyForm() {
	let busy = $state(false);
	const enhance: SubmitFunction = () => {
		busy = true;
		return async ({ update }) => {
			await update({ reset: false });
			busy = false;
		};
	};
	return {
		get busy() {
			return busy;
		},
		enhance
	};
}
