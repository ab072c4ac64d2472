CREATE TYPE "public"."entry_phase" AS ENUM('single', 'pending', 'post', 'void');--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "attempt" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "due_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD COLUMN "phase" "entry_phase" DEFAULT 'single' NOT NULL;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD COLUMN "pending_entry_id" uuid;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_pending_entry_id_journal_entries_id_fk" FOREIGN KEY ("pending_entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refunds_pending_due_idx" ON "refunds" USING btree ("due_at") WHERE "refunds"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "journal_entries_refund_idx" ON "journal_entries" USING btree ("refund_id");--> statement-breakpoint
CREATE UNIQUE INDEX "journal_entries_resolves_uq" ON "journal_entries" USING btree ("pending_entry_id");--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_resolution_ck" CHECK (("journal_entries"."phase" IN ('post', 'void')) = ("journal_entries"."pending_entry_id" IS NOT NULL));--> statement-breakpoint
-- A post or void resolves a pending entry, never another resolution or a single entry.
CREATE FUNCTION ledger_check_resolution() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.pending_entry_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM journal_entries WHERE id = NEW.pending_entry_id AND phase = 'pending'
  ) THEN
    RAISE EXCEPTION 'journal entry % resolves %, which is not a pending entry',
      NEW.id, NEW.pending_entry_id USING ERRCODE = 'P0003';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER journal_entries_resolve_pending BEFORE INSERT ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_check_resolution();
