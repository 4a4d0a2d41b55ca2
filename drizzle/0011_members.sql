-- Trigrams for the staff members search (name or email, any part).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "member_activity" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"points_12m" integer DEFAULT 0 NOT NULL,
	"engagements_90d" integer DEFAULT 0 NOT NULL,
	"last_activity_at" timestamp with time zone,
	"refreshed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "member_activity_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	"changed_rows" integer NOT NULL,
	"ms" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "member_activity" ADD CONSTRAINT "member_activity_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "member_activity_points_idx" ON "member_activity" USING btree ("points_12m" desc,"member_id");--> statement-breakpoint
CREATE INDEX "member_activity_last_idx" ON "member_activity" USING btree ("last_activity_at" desc nulls last,"member_id");--> statement-breakpoint
CREATE INDEX "users_created_idx" ON "users" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "users_name_idx" ON "users" USING btree (lower("display_name"),"id");--> statement-breakpoint
CREATE INDEX "users_search_trgm_idx" ON "users" USING gin (("display_name" || ' ' || "email") gin_trgm_ops);--> statement-breakpoint
-- Every account has a summary row from the start (zeros until the next refresh), so the members
-- directory can walk member_activity's indexes in sort order.
CREATE OR REPLACE FUNCTION encore_member_activity_row() RETURNS trigger AS $$
BEGIN
	INSERT INTO member_activity (member_id, refreshed_at) VALUES (NEW.id, now()) ON CONFLICT DO NOTHING;
	RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER users_member_activity_row
	AFTER INSERT ON users
	FOR EACH ROW EXECUTE FUNCTION encore_member_activity_row();
--> statement-breakpoint
INSERT INTO member_activity (member_id, refreshed_at)
	SELECT u.id, now() FROM users u
	WHERE NOT EXISTS (SELECT 1 FROM account_deletions d WHERE d.member_id = u.id)
	ON CONFLICT DO NOTHING;
