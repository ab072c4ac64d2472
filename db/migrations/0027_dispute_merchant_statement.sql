ALTER TABLE "order_disputes" ADD COLUMN "merchant_statement" text;--> statement-breakpoint
ALTER TABLE "order_disputes" ADD COLUMN "merchant_statement_at" timestamp (3) with time zone;