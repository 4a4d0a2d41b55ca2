DROP INDEX "engagements_member_kind_day_idx";--> statement-breakpoint
CREATE INDEX "engagements_day_kind_member_idx" ON "engagements" USING btree ("day","kind","member_id");--> statement-breakpoint
-- Every ledger write rewrites the member's tier row: free room on its page lets the new version
-- stay there (a HOT update: no index entries, no second page in the WAL).
ALTER TABLE "member_tiers" SET (fillfactor = 70);
