ALTER TYPE "public"."user_role" ADD VALUE 'platform_admin';--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_role_membership_ck";--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "last_seen_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "idle_seconds" integer DEFAULT 604800 NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_role_membership_ck" CHECK (("users"."role" = 'resident' AND "users"."unit_id" IS NOT NULL AND "users"."merchant_id" IS NULL AND "users"."company_id" IS NULL)
       OR ("users"."role" = 'merchant_staff' AND "users"."merchant_id" IS NOT NULL AND "users"."merchant_role" IS NOT NULL AND "users"."unit_id" IS NULL AND "users"."company_id" IS NULL)
       OR ("users"."role" IN ('property_auditor', 'property_ops') AND "users"."company_id" IS NOT NULL AND "users"."unit_id" IS NULL AND "users"."merchant_id" IS NULL)
       OR ("users"."role"::text = 'platform_admin' AND "users"."company_id" IS NULL AND "users"."unit_id" IS NULL AND "users"."merchant_id" IS NULL));