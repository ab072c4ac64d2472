CREATE TABLE "reconciliation_days" (
	"business_date" date NOT NULL,
	"company_id" uuid,
	"run_id" uuid NOT NULL,
	"balance_transactions" integer NOT NULL,
	"entries" integer NOT NULL,
	"findings" integer NOT NULL,
	"reconciled_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reconciliation_days_day_company_uq" UNIQUE NULLS NOT DISTINCT("business_date","company_id")
);
--> statement-breakpoint
CREATE TABLE "reconciliation_findings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"business_date" date NOT NULL,
	"company_id" uuid,
	"kind" text NOT NULL,
	"line_kind" text,
	"balance_transaction_id" text,
	"source_id" text,
	"entry_ids" jsonb NOT NULL,
	"processor_amount_fen" bigint,
	"processor_fee_fen" bigint,
	"processor_net_fen" bigint,
	"ledger_cash_fen" bigint,
	"ledger_fee_fen" bigint,
	"order_id" uuid,
	"statement_id" uuid,
	"refund_id" uuid,
	"detail_zh" text NOT NULL,
	"detail_en" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliation_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" uuid,
	"balance_transactions" integer NOT NULL,
	"entries" integer NOT NULL,
	"findings" integer NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"finished_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reconciliation_days" ADD CONSTRAINT "reconciliation_days_company_id_property_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_days" ADD CONSTRAINT "reconciliation_days_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_findings" ADD CONSTRAINT "reconciliation_findings_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_findings" ADD CONSTRAINT "reconciliation_findings_company_id_property_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD CONSTRAINT "reconciliation_runs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reconciliation_findings_run_day_idx" ON "reconciliation_findings" USING btree ("run_id","business_date");--> statement-breakpoint
CREATE INDEX "reconciliation_runs_finished_idx" ON "reconciliation_runs" USING btree ("finished_at");