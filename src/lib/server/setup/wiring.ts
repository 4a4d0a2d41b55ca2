// The listeners that connect the floors to the features above them, registered once per process
// before any request, job or script writes to the ledger. Every entry point calls this: the
// server's start (hooks.server.ts), the scripts and the integration test harness.
import { registerTierUpMoments } from '../notifications';

export function wireDomains(): void {
	// A step up the ladder is celebrated: the engine announces it, notifications posts the moment.
	registerTierUpMoments();
}
