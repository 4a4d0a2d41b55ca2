DROP INDEX "engagements_member_time_idx";--> statement-breakpoint
CREATE INDEX "engagements_member_time_points_idx" ON "engagements" USING btree ("member_id","occurred_at","points");