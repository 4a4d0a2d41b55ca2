CREATE TYPE "public"."presale_claim_status" AS ENUM('offered', 'claimed', 'released', 'expired');--> statement-breakpoint
CREATE TYPE "public"."presale_draw_outcome" AS ENUM('pending', 'won', 'waitlist');--> statement-breakpoint
CREATE TYPE "public"."presale_mode" AS ENUM('first_come', 'draw');--> statement-breakpoint
CREATE TABLE "events" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"venue" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"image_url" text,
	"public_sale_at" timestamp with time zone NOT NULL,
	"capacity" integer NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_capacity_positive" CHECK ("events"."capacity" > 0)
);
--> statement-breakpoint
CREATE TABLE "presale_claims" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"window_id" integer NOT NULL,
	"event_id" integer NOT NULL,
	"member_id" uuid NOT NULL,
	"seats" integer NOT NULL,
	"code" text NOT NULL,
	"status" "presale_claim_status" NOT NULL,
	"claim_by" timestamp with time zone,
	"entry_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"ended_by" uuid,
	"checked_in_at" timestamp with time zone,
	"checked_in_by" uuid,
	CONSTRAINT "presale_claims_seats_positive" CHECK ("presale_claims"."seats" > 0),
	CONSTRAINT "presale_claims_checkin_claimed" CHECK ("presale_claims"."checked_in_at" IS NULL OR "presale_claims"."status" = 'claimed')
);
--> statement-breakpoint
CREATE TABLE "presale_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"window_id" integer NOT NULL,
	"member_id" uuid NOT NULL,
	"seats" integer NOT NULL,
	"rank" integer NOT NULL,
	"member_since" timestamp with time zone NOT NULL,
	"weight_milli" integer,
	"outcome" "presale_draw_outcome" DEFAULT 'pending' NOT NULL,
	"draw_position" integer,
	"offered_at" timestamp with time zone,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "presale_entries_seats_positive" CHECK ("presale_entries"."seats" > 0)
);
--> statement-breakpoint
CREATE TABLE "presale_windows" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" integer NOT NULL,
	"min_rank" integer NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"mode" "presale_mode" NOT NULL,
	"allocation" integer NOT NULL,
	"rolled_in" integer DEFAULT 0 NOT NULL,
	"seats_remaining" integer NOT NULL,
	"per_member_limit" integer NOT NULL,
	"claim_hours" integer DEFAULT 48 NOT NULL,
	"draw_weights" jsonb DEFAULT '{"tiers":{},"tenurePerYear":0.1,"tenureCapYears":5}'::jsonb NOT NULL,
	"draw_seed" text,
	"drawn_at" timestamp with time zone,
	"drawn_by" uuid,
	"open_notified_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "presale_windows_seats_nonnegative" CHECK ("presale_windows"."seats_remaining" >= 0),
	CONSTRAINT "presale_windows_allocation_nonnegative" CHECK ("presale_windows"."allocation" >= 0 AND "presale_windows"."rolled_in" >= 0),
	CONSTRAINT "presale_windows_limit_positive" CHECK ("presale_windows"."per_member_limit" > 0),
	CONSTRAINT "presale_windows_times" CHECK ("presale_windows"."closes_at" > "presale_windows"."opens_at"),
	CONSTRAINT "presale_windows_rank_nonnegative" CHECK ("presale_windows"."min_rank" >= 0)
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "presale_claims" ADD CONSTRAINT "presale_claims_window_id_presale_windows_id_fk" FOREIGN KEY ("window_id") REFERENCES "public"."presale_windows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "presale_claims" ADD CONSTRAINT "presale_claims_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "presale_claims" ADD CONSTRAINT "presale_claims_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "presale_claims" ADD CONSTRAINT "presale_claims_ended_by_users_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "presale_claims" ADD CONSTRAINT "presale_claims_checked_in_by_users_id_fk" FOREIGN KEY ("checked_in_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "presale_entries" ADD CONSTRAINT "presale_entries_window_id_presale_windows_id_fk" FOREIGN KEY ("window_id") REFERENCES "public"."presale_windows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "presale_entries" ADD CONSTRAINT "presale_entries_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "presale_windows" ADD CONSTRAINT "presale_windows_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "presale_windows" ADD CONSTRAINT "presale_windows_drawn_by_users_id_fk" FOREIGN KEY ("drawn_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "events_slug_unique" ON "events" USING btree ("slug");--> statement-breakpoint
CREATE UNIQUE INDEX "presale_claims_code_unique" ON "presale_claims" USING btree ("code");--> statement-breakpoint
CREATE INDEX "presale_claims_window_member_idx" ON "presale_claims" USING btree ("window_id","member_id");--> statement-breakpoint
CREATE INDEX "presale_claims_member_idx" ON "presale_claims" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "presale_claims_offer_due_idx" ON "presale_claims" USING btree ("claim_by") WHERE "presale_claims"."status" = 'offered';--> statement-breakpoint
CREATE UNIQUE INDEX "presale_entries_member_unique" ON "presale_entries" USING btree ("window_id","member_id");--> statement-breakpoint
CREATE INDEX "presale_entries_position_idx" ON "presale_entries" USING btree ("window_id","draw_position");--> statement-breakpoint
CREATE INDEX "presale_windows_event_idx" ON "presale_windows" USING btree ("event_id","opens_at");