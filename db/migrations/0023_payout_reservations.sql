ALTER TABLE "statements" ADD COLUMN "payout_due_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "statements_payout_due_idx" ON "statements" USING btree ("payout_due_at") WHERE "statements"."status" = 'pending';--> statement-breakpoint
-- Payouts are two-phase from now on: a statement still waiting for its transfer reserves its
-- payout (Dr payable / Cr clearing:payouts), as the settlement run now does when it builds one.
WITH reserved AS (
  INSERT INTO "journal_entries" ("kind", "idempotency_key", "statement_id", "memo", "phase")
  SELECT 'payout', 'payout:' || s."id"::text, s."id", 'payout decided: reserved until the processor confirms the transfer', 'pending'
    FROM "statements" s
   WHERE s."status" = 'pending' AND s."payout_fen" > 0
     AND NOT EXISTS (SELECT 1 FROM "journal_entries" e WHERE e."idempotency_key" = 'payout:' || s."id"::text)
  RETURNING "id", "statement_id"
)
INSERT INTO "ledger_postings" ("entry_id", "account", "amount_fen", "merchant_id", "statement_id")
SELECT r."id", 'payable:merchant:' || s."merchant_id"::text, s."payout_fen", s."merchant_id", s."id"
  FROM reserved r JOIN "statements" s ON s."id" = r."statement_id"
UNION ALL
SELECT r."id", 'clearing:payouts', -s."payout_fen", NULL, s."id"
  FROM reserved r JOIN "statements" s ON s."id" = r."statement_id";
