CREATE TABLE "home_visits" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"previous_at" timestamp with time zone,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "churn_models" (
	"id" serial PRIMARY KEY NOT NULL,
	"fitted_at" timestamp with time zone NOT NULL,
	"day" text NOT NULL,
	"weights" jsonb NOT NULL,
	"scaling" jsonb NOT NULL,
	"prior" boolean NOT NULL,
	"training_rows" integer NOT NULL,
	"training_leavers" integer NOT NULL,
	"auc" double precision,
	"calibration" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"leavers" integer DEFAULT 0 NOT NULL,
	"leavers_flagged" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "churn_models_day_unique" UNIQUE("day")
);
--> statement-breakpoint
CREATE TABLE "churn_scores" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"score" double precision NOT NULL,
	"reasons" jsonb NOT NULL,
	"model_id" integer,
	"scored_at" timestamp with time zone NOT NULL,
	"win_back_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "home_visits" ADD CONSTRAINT "home_visits_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "churn_scores" ADD CONSTRAINT "churn_scores_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "churn_scores" ADD CONSTRAINT "churn_scores_model_id_churn_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."churn_models"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "churn_scores_score_idx" ON "churn_scores" USING btree ("score" desc,"member_id");