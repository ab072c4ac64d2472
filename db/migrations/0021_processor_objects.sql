ALTER TYPE "public"."journal_kind" ADD VALUE 'processor_fee';--> statement-breakpoint
ALTER TYPE "public"."journal_kind" ADD VALUE 'dispute';--> statement-breakpoint
ALTER TYPE "public"."journal_kind" ADD VALUE 'transfer_reversal';--> statement-breakpoint
ALTER TABLE "journal_entries" ADD COLUMN "processor_object_id" text;--> statement-breakpoint
CREATE INDEX "journal_entries_processor_object_idx" ON "journal_entries" USING btree ("processor_object_id");