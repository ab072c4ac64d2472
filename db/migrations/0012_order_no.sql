-- A short order number people can read out: the Shanghai business day it was booked and a running
-- number from one sequence (at least four digits), e.g. 2611290042. The sequence alone makes it unique.
CREATE SEQUENCE IF NOT EXISTS "order_no_seq";--> statement-breakpoint
CREATE OR REPLACE FUNCTION next_order_no(at timestamptz DEFAULT now()) RETURNS text
LANGUAGE sql VOLATILE AS $$
  SELECT to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYMMDD') || lpad(n::text, greatest(4, length(n::text)), '0')
  FROM (SELECT nextval('order_no_seq') AS n) s
$$;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "order_no" text;--> statement-breakpoint
-- Existing orders get numbers in the order they were booked, dated by their own booking day.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT id, created_at FROM "orders" ORDER BY created_at, id LOOP
    UPDATE "orders" SET "order_no" = next_order_no(r.created_at) WHERE id = r.id;
  END LOOP;
END $$;--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "order_no" SET DEFAULT next_order_no();--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "order_no" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_order_no_uq" UNIQUE("order_no");
