CREATE TABLE "member_activity" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"points_12m" integer DEFAULT 0 NOT NULL,
	"engagements_90d" integer DEFAULT 0 NOT NULL,
	"last_activity_at" timestamp with time zone,
	"refreshed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "member_activity" ADD CONSTRAINT "member_activity_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "member_activity_points_idx" ON "member_activity" USING btree ("points_12m");--> statement-breakpoint
CREATE INDEX "member_activity_last_idx" ON "member_activity" USING btree ("last_activity_at");