CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"scopes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "earning_rules" (
	"kind" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"points" integer NOT NULL,
	"per_day" integer,
	"per_object" integer,
	"per_unit" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "earning_rules_points_nonnegative" CHECK ("earning_rules"."points" >= 0),
	CONSTRAINT "earning_rules_caps_positive" CHECK (("earning_rules"."per_day" IS NULL OR "earning_rules"."per_day" > 0) AND ("earning_rules"."per_object" IS NULL OR "earning_rules"."per_object" > 0))
);
--> statement-breakpoint
CREATE TABLE "engagements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"object" text,
	"points" integer NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"day" text NOT NULL,
	"source" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"payload_hash" text NOT NULL,
	"capped_reason" text,
	"note" text,
	"actor_id" uuid
);
--> statement-breakpoint
CREATE TABLE "inbox_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"link" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone,
	"celebrated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ladder_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"thresholds" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "member_tiers" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"earned_rank" integer DEFAULT 0 NOT NULL,
	"reached_at" timestamp with time zone,
	"held_until" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"paid_rank" integer,
	"paid_until" timestamp with time zone,
	"rank" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "server_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tier_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"from_rank" integer NOT NULL,
	"to_rank" integer NOT NULL,
	"route" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "engagements" ADD CONSTRAINT "engagements_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "engagements" ADD CONSTRAINT "engagements_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_items" ADD CONSTRAINT "inbox_items_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ladder_versions" ADD CONSTRAINT "ladder_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_tiers" ADD CONSTRAINT "member_tiers_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_changes" ADD CONSTRAINT "tier_changes_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_unique" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "engagements_idempotency_unique" ON "engagements" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "engagements_member_time_idx" ON "engagements" USING btree ("member_id","occurred_at");--> statement-breakpoint
CREATE INDEX "engagements_member_kind_day_idx" ON "engagements" USING btree ("member_id","kind","day");--> statement-breakpoint
CREATE INDEX "engagements_member_kind_object_idx" ON "engagements" USING btree ("member_id","kind","object");--> statement-breakpoint
CREATE INDEX "inbox_member_created_idx" ON "inbox_items" USING btree ("member_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_dedupe_unique" ON "inbox_items" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "member_tiers_rank_idx" ON "member_tiers" USING btree ("rank");--> statement-breakpoint
CREATE INDEX "tier_changes_member_idx" ON "tier_changes" USING btree ("member_id","at");