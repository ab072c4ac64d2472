CREATE TABLE "payment_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"payment_intent_id" text NOT NULL,
	"kind" text NOT NULL,
	"expected" text NOT NULL,
	"actual" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "payment_intent_id" text;--> statement-breakpoint
ALTER TABLE "payment_findings" ADD CONSTRAINT "payment_findings_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_findings_intent_kind_uq" ON "payment_findings" USING btree ("payment_intent_id","kind");--> statement-breakpoint
CREATE INDEX "payment_findings_order_idx" ON "payment_findings" USING btree ("order_id");