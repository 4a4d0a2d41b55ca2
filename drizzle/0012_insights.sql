CREATE TABLE "insight_drop_days" (
	"day" date NOT NULL,
	"drop_id" integer NOT NULL,
	"rank" integer NOT NULL,
	"opens" integer NOT NULL,
	CONSTRAINT "insight_drop_days_day_drop_id_rank_pk" PRIMARY KEY("day","drop_id","rank")
);
--> statement-breakpoint
CREATE TABLE "insight_engagement_days" (
	"day" date NOT NULL,
	"rank" integer NOT NULL,
	"kind" text NOT NULL,
	"engagements" integer NOT NULL,
	"members" integer NOT NULL,
	CONSTRAINT "insight_engagement_days_day_rank_kind_pk" PRIMARY KEY("day","rank","kind")
);
--> statement-breakpoint
CREATE TABLE "insight_runs" (
	"name" text PRIMARY KEY NOT NULL,
	"first_day" date,
	"last_day" date,
	"ran_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "insight_tier_days" (
	"day" date NOT NULL,
	"rank" integer NOT NULL,
	"members" integer NOT NULL,
	"engaged" integer NOT NULL,
	CONSTRAINT "insight_tier_days_day_rank_pk" PRIMARY KEY("day","rank")
);
--> statement-breakpoint
CREATE INDEX "engagements_occurred_brin_idx" ON "engagements" USING brin ("occurred_at");--> statement-breakpoint
CREATE INDEX "users_not_fan_idx" ON "users" USING btree ("id") WHERE "users"."role" <> 'fan';