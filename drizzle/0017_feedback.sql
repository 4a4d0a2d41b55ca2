CREATE TYPE "public"."feedback_kind" AS ENUM('checkin', 'presale', 'drop', 'cancellation', 'nps');--> statement-breakpoint
CREATE TABLE "feedback_notes" (
	"id" serial PRIMARY KEY NOT NULL,
	"theme" text NOT NULL,
	"body" text NOT NULL,
	"recipients" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" "feedback_kind" NOT NULL,
	"subject" text NOT NULL,
	"subject_label" text DEFAULT '' NOT NULL,
	"event_id" integer,
	"drop_id" integer,
	"rank" integer DEFAULT 0 NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"answered_at" timestamp with time zone,
	"score" integer,
	"reason" text,
	"comment" text,
	"answers" integer DEFAULT 0 NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "feedback_requests_score_range" CHECK ("feedback_requests"."score" IS NULL OR ("feedback_requests"."score" >= 0 AND "feedback_requests"."score" <= 10)),
	CONSTRAINT "feedback_requests_comment_length" CHECK ("feedback_requests"."comment" IS NULL OR char_length("feedback_requests"."comment") <= 2000),
	CONSTRAINT "feedback_requests_answers_range" CHECK ("feedback_requests"."answers" >= 0 AND "feedback_requests"."answers" <= 2)
);
--> statement-breakpoint
CREATE TABLE "feedback_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"gap_days" integer DEFAULT 7 NOT NULL,
	"nps_gap_days" integer DEFAULT 90 NOT NULL,
	"morning_hour" integer DEFAULT 10 NOT NULL,
	"scanned_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_settings_single_row" CHECK ("feedback_settings"."id" = 1),
	CONSTRAINT "feedback_settings_gap_range" CHECK ("feedback_settings"."gap_days" >= 0 AND "feedback_settings"."gap_days" <= 365),
	CONSTRAINT "feedback_settings_nps_range" CHECK ("feedback_settings"."nps_gap_days" >= 30 AND "feedback_settings"."nps_gap_days" <= 730),
	CONSTRAINT "feedback_settings_hour_range" CHECK ("feedback_settings"."morning_hour" >= 0 AND "feedback_settings"."morning_hour" <= 23)
);
--> statement-breakpoint
ALTER TABLE "feedback_notes" ADD CONSTRAINT "feedback_notes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_requests" ADD CONSTRAINT "feedback_requests_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_requests" ADD CONSTRAINT "feedback_requests_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_requests" ADD CONSTRAINT "feedback_requests_drop_id_drops_id_fk" FOREIGN KEY ("drop_id") REFERENCES "public"."drops"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_requests_member_subject_unique" ON "feedback_requests" USING btree ("member_id","kind","subject");--> statement-breakpoint
CREATE INDEX "feedback_requests_member_sent_idx" ON "feedback_requests" USING btree ("member_id","sent_at");--> statement-breakpoint
CREATE INDEX "feedback_requests_event_idx" ON "feedback_requests" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "feedback_requests_answered_idx" ON "feedback_requests" USING btree ("answered_at");