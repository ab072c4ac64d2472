CREATE TYPE "public"."callback_status" AS ENUM('pending', 'done');--> statement-breakpoint
CREATE TABLE "callback_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"month" date NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"seed" bigint NOT NULL,
	"households" integer NOT NULL,
	"sampled" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "callback_runs_company_month_uq" UNIQUE("company_id","month")
);
--> statement-breakpoint
CREATE TABLE "callback_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"company_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"merchant_id" uuid NOT NULL,
	"status" "callback_status" DEFAULT 'pending' NOT NULL,
	"reached" boolean,
	"satisfaction" smallint,
	"comment" text DEFAULT '' NOT NULL,
	"complaint" text DEFAULT '' NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "callback_tasks_run_unit_uq" UNIQUE("run_id","unit_id"),
	CONSTRAINT "callback_tasks_outcome_ck" CHECK ("callback_tasks"."satisfaction" IS NULL OR "callback_tasks"."satisfaction" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE TABLE "quality_tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"merchant_id" uuid NOT NULL,
	"callback_task_id" uuid,
	"complaint" text NOT NULL,
	"owner_id" uuid NOT NULL,
	"opened_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"resolved_at" timestamp (3) with time zone,
	"resolved_by" uuid,
	"resolution" text,
	CONSTRAINT "quality_tickets_callback_uq" UNIQUE("callback_task_id"),
	CONSTRAINT "quality_tickets_resolved_ck" CHECK (("quality_tickets"."resolved_at" IS NULL) = ("quality_tickets"."resolution" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "order_reviews" ADD COLUMN "photo_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "order_reviews" ADD COLUMN "automatic" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "order_reviews" ADD COLUMN "reply" text;--> statement-breakpoint
ALTER TABLE "order_reviews" ADD COLUMN "replied_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "order_reviews" ADD COLUMN "replied_by" uuid;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "default_rating_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "callback_runs" ADD CONSTRAINT "callback_runs_company_id_property_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD CONSTRAINT "callback_tasks_run_id_callback_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."callback_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD CONSTRAINT "callback_tasks_company_id_property_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD CONSTRAINT "callback_tasks_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD CONSTRAINT "callback_tasks_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD CONSTRAINT "callback_tasks_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD CONSTRAINT "callback_tasks_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD CONSTRAINT "callback_tasks_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_tickets" ADD CONSTRAINT "quality_tickets_company_id_property_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_tickets" ADD CONSTRAINT "quality_tickets_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_tickets" ADD CONSTRAINT "quality_tickets_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_tickets" ADD CONSTRAINT "quality_tickets_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_tickets" ADD CONSTRAINT "quality_tickets_callback_task_id_callback_tasks_id_fk" FOREIGN KEY ("callback_task_id") REFERENCES "public"."callback_tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_tickets" ADD CONSTRAINT "quality_tickets_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_tickets" ADD CONSTRAINT "quality_tickets_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "callback_tasks_company_status_idx" ON "callback_tasks" USING btree ("company_id","status","created_at");--> statement-breakpoint
CREATE INDEX "quality_tickets_company_opened_idx" ON "quality_tickets" USING btree ("company_id","opened_at");--> statement-breakpoint
ALTER TABLE "order_reviews" ADD CONSTRAINT "order_reviews_replied_by_users_id_fk" FOREIGN KEY ("replied_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_default_rating_idx" ON "orders" USING btree ("default_rating_at") WHERE "orders"."default_rating_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "orders_completed_idx" ON "orders" USING btree ("completed_at");--> statement-breakpoint
ALTER TABLE "order_reviews" ADD CONSTRAINT "order_reviews_photos_ck" CHECK (cardinality("order_reviews"."photo_ids") <= 6);--> statement-breakpoint
ALTER TABLE "order_reviews" ADD CONSTRAINT "order_reviews_reply_ck" CHECK (("order_reviews"."reply" IS NULL) = ("order_reviews"."replied_at" IS NULL));