CREATE TYPE "public"."board_invitation_status" AS ENUM('pending', 'accepted', 'declined');--> statement-breakpoint
CREATE TYPE "public"."idea_status" AS ENUM('received', 'under_review', 'in_poll', 'done', 'declined');--> statement-breakpoint
CREATE TYPE "public"."poll_kind" AS ENUM('single', 'multiple', 'ranked');--> statement-breakpoint
CREATE TYPE "public"."poll_results_visibility" AS ENUM('after_vote', 'after_close', 'staff_only');--> statement-breakpoint
CREATE TYPE "public"."rsvp_response" AS ENUM('yes', 'no', 'maybe');--> statement-breakpoint
CREATE TABLE "board_invitations" (
	"id" serial PRIMARY KEY NOT NULL,
	"board_id" integer NOT NULL,
	"member_id" uuid NOT NULL,
	"status" "board_invitation_status" DEFAULT 'pending' NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"decline_reason" text,
	"responded_at" timestamp with time zone,
	"invited_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "board_posts" (
	"id" serial PRIMARY KEY NOT NULL,
	"board_id" integer NOT NULL,
	"author_id" uuid NOT NULL,
	"parent_id" integer,
	"is_update" boolean DEFAULT false NOT NULL,
	"body" text NOT NULL,
	"pinned" boolean DEFAULT false NOT NULL,
	"hidden_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "board_session_rsvps" (
	"session_id" integer NOT NULL,
	"member_id" uuid NOT NULL,
	"response" "rsvp_response" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "board_session_rsvps_session_id_member_id_pk" PRIMARY KEY("session_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "board_sessions" (
	"id" serial PRIMARY KEY NOT NULL,
	"board_id" integer NOT NULL,
	"title" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"link" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "boards" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"purpose" text DEFAULT '' NOT NULL,
	"seats" integer NOT NULL,
	"seats_taken" integer DEFAULT 0 NOT NULL,
	"term_ends_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "boards_seats_positive" CHECK ("boards"."seats" >= 1),
	CONSTRAINT "boards_seats_not_overfilled" CHECK ("boards"."seats_taken" >= 0 AND "boards"."seats_taken" <= "boards"."seats")
);
--> statement-breakpoint
CREATE TABLE "idea_supports" (
	"idea_id" integer NOT NULL,
	"member_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idea_supports_idea_id_member_id_pk" PRIMARY KEY("idea_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "ideas" (
	"id" serial PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"status" "idea_status" DEFAULT 'received' NOT NULL,
	"decline_reason" text,
	"poll_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ideas_declined_has_reason" CHECK ("ideas"."status" <> 'declined' OR coalesce(length("ideas"."decline_reason"), 0) > 0)
);
--> statement-breakpoint
CREATE TABLE "poll_ballots" (
	"id" serial PRIMARY KEY NOT NULL,
	"poll_id" integer NOT NULL,
	"member_id" uuid NOT NULL,
	"choices" integer[] NOT NULL,
	"rank" integer NOT NULL,
	"weight" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "poll_ballots_weight_positive" CHECK ("poll_ballots"."weight" >= 1),
	CONSTRAINT "poll_ballots_choices_present" CHECK (cardinality("poll_ballots"."choices") >= 1)
);
--> statement-breakpoint
CREATE TABLE "poll_options" (
	"id" serial PRIMARY KEY NOT NULL,
	"poll_id" integer NOT NULL,
	"label" text NOT NULL,
	"image_url" text,
	"position" integer NOT NULL,
	"idea_id" integer
);
--> statement-breakpoint
CREATE TABLE "polls" (
	"id" serial PRIMARY KEY NOT NULL,
	"question" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"image_url" text,
	"kind" "poll_kind" NOT NULL,
	"max_choices" integer,
	"eligible_ranks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"results_visibility" "poll_results_visibility" DEFAULT 'after_vote' NOT NULL,
	"tier_weights" jsonb,
	"allow_change" boolean DEFAULT false NOT NULL,
	"outcome_note" text,
	"outcome_published_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "polls_closes_after_opens" CHECK ("polls"."closes_at" > "polls"."opens_at"),
	CONSTRAINT "polls_max_choices_positive" CHECK ("polls"."max_choices" IS NULL OR "polls"."max_choices" >= 1)
);
--> statement-breakpoint
ALTER TABLE "board_invitations" ADD CONSTRAINT "board_invitations_board_id_boards_id_fk" FOREIGN KEY ("board_id") REFERENCES "public"."boards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "board_invitations" ADD CONSTRAINT "board_invitations_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "board_invitations" ADD CONSTRAINT "board_invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "board_posts" ADD CONSTRAINT "board_posts_board_id_boards_id_fk" FOREIGN KEY ("board_id") REFERENCES "public"."boards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "board_posts" ADD CONSTRAINT "board_posts_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "board_session_rsvps" ADD CONSTRAINT "board_session_rsvps_session_id_board_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."board_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "board_session_rsvps" ADD CONSTRAINT "board_session_rsvps_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "board_sessions" ADD CONSTRAINT "board_sessions_board_id_boards_id_fk" FOREIGN KEY ("board_id") REFERENCES "public"."boards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "boards" ADD CONSTRAINT "boards_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idea_supports" ADD CONSTRAINT "idea_supports_idea_id_ideas_id_fk" FOREIGN KEY ("idea_id") REFERENCES "public"."ideas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idea_supports" ADD CONSTRAINT "idea_supports_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ideas" ADD CONSTRAINT "ideas_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ideas" ADD CONSTRAINT "ideas_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_ballots" ADD CONSTRAINT "poll_ballots_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_ballots" ADD CONSTRAINT "poll_ballots_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_options" ADD CONSTRAINT "poll_options_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "board_invitations_one_per_member" ON "board_invitations" USING btree ("board_id","member_id");--> statement-breakpoint
CREATE INDEX "board_invitations_member_idx" ON "board_invitations" USING btree ("member_id","status");--> statement-breakpoint
CREATE INDEX "board_posts_board_idx" ON "board_posts" USING btree ("board_id","created_at");--> statement-breakpoint
CREATE INDEX "board_sessions_board_idx" ON "board_sessions" USING btree ("board_id","starts_at");--> statement-breakpoint
CREATE INDEX "ideas_status_idx" ON "ideas" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "ideas_member_idx" ON "ideas" USING btree ("member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "poll_ballots_one_per_member" ON "poll_ballots" USING btree ("poll_id","member_id");--> statement-breakpoint
CREATE INDEX "poll_ballots_member_idx" ON "poll_ballots" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "poll_options_poll_idx" ON "poll_options" USING btree ("poll_id","position");--> statement-breakpoint
CREATE INDEX "polls_closes_idx" ON "polls" USING btree ("closes_at");