ALTER TABLE "property_companies" ADD COLUMN "service_desk_phone" text;--> statement-breakpoint
ALTER TABLE "property_companies" ADD COLUMN "service_desk_hours" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "payment_method_type" text;