CREATE TYPE "public"."service_ring" AS ENUM('core', 'service', 'guarantee');--> statement-breakpoint
CREATE TYPE "public"."order_event_kind" AS ENUM('status', 'assign', 'arrive', 'sla_breach');--> statement-breakpoint
CREATE TYPE "public"."order_mode" AS ENUM('slot', 'on_demand');--> statement-breakpoint
CREATE TYPE "public"."sla_step" AS ENUM('accept', 'arrive');--> statement-breakpoint
CREATE TABLE "sla_breaches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"merchant_id" uuid NOT NULL,
	"step" "sla_step" NOT NULL,
	"ring" "service_ring" NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"breached_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"late_seconds" integer NOT NULL,
	"escalated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp (3) with time zone,
	"acknowledged_by" uuid,
	CONSTRAINT "sla_breaches_order_step_uq" UNIQUE("order_id","step"),
	CONSTRAINT "sla_breaches_late_ck" CHECK ("sla_breaches"."late_seconds" >= 0)
);
--> statement-breakpoint
CREATE TABLE "uploads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"order_id" uuid,
	"storage_key" text NOT NULL,
	"mime" text NOT NULL,
	"bytes" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uploads_storage_key_unique" UNIQUE("storage_key")
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"categories" "service_category"[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workers_user_id_unique" UNIQUE("user_id")
);
--> statement-breakpoint
ALTER TABLE "buildings" ADD COLUMN "ring" "service_ring" DEFAULT 'service' NOT NULL;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "on_demand" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "order_events" ADD COLUMN "kind" "order_event_kind" DEFAULT 'status' NOT NULL;--> statement-breakpoint
ALTER TABLE "order_events" ADD COLUMN "detail" jsonb;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "mode" "order_mode" DEFAULT 'slot' NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "worker_id" uuid;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "service_period" "tstzrange";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "ring" "service_ring";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "arrive_due_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "arrived_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "completion_note" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_breaches" ADD CONSTRAINT "sla_breaches_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_breaches" ADD CONSTRAINT "sla_breaches_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_breaches" ADD CONSTRAINT "sla_breaches_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sla_breaches_community_idx" ON "sla_breaches" USING btree ("community_id","breached_at");--> statement-breakpoint
CREATE INDEX "uploads_order_idx" ON "uploads" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "uploads_owner_idx" ON "uploads" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "workers_merchant_idx" ON "workers" USING btree ("merchant_id");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_worker_idx" ON "orders" USING btree ("worker_id","status");--> statement-breakpoint
CREATE INDEX "orders_arrive_due_idx" ON "orders" USING btree ("arrive_due_at") WHERE "orders"."arrived_at" IS NULL AND "orders"."status" IN ('paid', 'accepted');--> statement-breakpoint
-- A worker is never booked twice at once: two open orders of one worker may not overlap in time.
-- Written by hand (drizzle cannot express an exclusion constraint); btree_gist is a trusted extension.
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_worker_no_overlap_ex" EXCLUDE USING gist ("worker_id" WITH =, "service_period" WITH &&) WHERE ("worker_id" IS NOT NULL AND "status" IN ('pending_payment', 'paid', 'accepted', 'in_service'));
