ALTER TABLE "merchants" ADD COLUMN "rating_sum" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "rating_count" integer DEFAULT 0 NOT NULL;