CREATE TYPE "public"."merchant_status" AS ENUM('pending', 'approved', 'suspended');--> statement-breakpoint
CREATE TYPE "public"."service_category" AS ENUM('housekeeping', 'meal_delivery', 'temporary_care');--> statement-breakpoint
CREATE TYPE "public"."merchant_staff_role" AS ENUM('owner', 'staff');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('resident', 'merchant_staff', 'property_auditor', 'property_ops');--> statement-breakpoint
CREATE TYPE "public"."pricing_unit" AS ENUM('per_visit', 'per_hour', 'per_meal');--> statement-breakpoint
CREATE TABLE "buildings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "buildings_community_number_uq" UNIQUE("community_id","number")
);
--> statement-breakpoint
CREATE TABLE "communities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"name" text NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "property_companies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"room" text NOT NULL,
	"label" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "units_building_room_uq" UNIQUE("building_id","room")
);
--> statement-breakpoint
CREATE TABLE "merchant_communities" (
	"merchant_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	CONSTRAINT "merchant_communities_merchant_id_community_id_pk" PRIMARY KEY("merchant_id","community_id")
);
--> statement-breakpoint
CREATE TABLE "merchants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"name" text NOT NULL,
	"category" "service_category" NOT NULL,
	"status" "merchant_status" DEFAULT 'pending' NOT NULL,
	"contact_phone" text DEFAULT '' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	"user_agent" text DEFAULT '' NOT NULL,
	"ip" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"phone" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" "user_role" NOT NULL,
	"display_name" text NOT NULL,
	"unit_id" uuid,
	"merchant_id" uuid,
	"merchant_role" "merchant_staff_role",
	"company_id" uuid,
	"disabled_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_phone_unique" UNIQUE("phone"),
	CONSTRAINT "users_role_membership_ck" CHECK (("users"."role" = 'resident' AND "users"."unit_id" IS NOT NULL AND "users"."merchant_id" IS NULL AND "users"."company_id" IS NULL)
       OR ("users"."role" = 'merchant_staff' AND "users"."merchant_id" IS NOT NULL AND "users"."merchant_role" IS NOT NULL AND "users"."unit_id" IS NULL AND "users"."company_id" IS NULL)
       OR ("users"."role" IN ('property_auditor', 'property_ops') AND "users"."company_id" IS NOT NULL AND "users"."unit_id" IS NULL AND "users"."merchant_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "service_communities" (
	"service_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	CONSTRAINT "service_communities_service_id_community_id_pk" PRIMARY KEY("service_id","community_id")
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"category" "service_category" NOT NULL,
	"title_zh" text NOT NULL,
	"title_en" text NOT NULL,
	"description_zh" text DEFAULT '' NOT NULL,
	"description_en" text DEFAULT '' NOT NULL,
	"price_fen" bigint NOT NULL,
	"pricing_unit" "pricing_unit" NOT NULL,
	"min_quantity" integer DEFAULT 1 NOT NULL,
	"max_quantity" integer DEFAULT 1 NOT NULL,
	"duration_minutes" integer NOT NULL,
	"free_cancel_minutes" integer DEFAULT 120 NOT NULL,
	"late_cancel_fee_bps" integer DEFAULT 2000 NOT NULL,
	"booking_cutoff_minutes" integer DEFAULT 60 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "services_price_ck" CHECK ("services"."price_fen" > 0),
	CONSTRAINT "services_quantity_ck" CHECK ("services"."min_quantity" >= 1 AND "services"."max_quantity" >= "services"."min_quantity"),
	CONSTRAINT "services_duration_ck" CHECK ("services"."duration_minutes" > 0),
	CONSTRAINT "services_cancel_policy_ck" CHECK ("services"."free_cancel_minutes" >= 0 AND "services"."late_cancel_fee_bps" BETWEEN 0 AND 10000 AND "services"."booking_cutoff_minutes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "slots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL,
	"capacity" integer NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	"closed" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slots_booked_ck" CHECK ("slots"."booked" >= 0 AND "slots"."booked" <= "slots"."capacity"),
	CONSTRAINT "slots_time_ck" CHECK ("slots"."ends_at" > "slots"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "buildings" ADD CONSTRAINT "buildings_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "communities" ADD CONSTRAINT "communities_company_id_property_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_communities" ADD CONSTRAINT "merchant_communities_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_communities" ADD CONSTRAINT "merchant_communities_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_company_id_property_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_company_id_property_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_communities" ADD CONSTRAINT "service_communities_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_communities" ADD CONSTRAINT "service_communities_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slots" ADD CONSTRAINT "slots_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "communities_company_idx" ON "communities" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "units_community_idx" ON "units" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "merchant_communities_community_idx" ON "merchant_communities" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "merchants_company_idx" ON "merchants" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "users_merchant_idx" ON "users" USING btree ("merchant_id");--> statement-breakpoint
CREATE INDEX "service_communities_community_idx" ON "service_communities" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "services_merchant_idx" ON "services" USING btree ("merchant_id");--> statement-breakpoint
CREATE INDEX "slots_service_starts_idx" ON "slots" USING btree ("service_id","starts_at");