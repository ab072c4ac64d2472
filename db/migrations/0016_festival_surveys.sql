CREATE TABLE "festival_survey_answers" (
	"response_id" uuid NOT NULL,
	"question_no" smallint NOT NULL,
	"rating" smallint NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	CONSTRAINT "festival_survey_answers_response_id_question_no_pk" PRIMARY KEY("response_id","question_no"),
	CONSTRAINT "festival_survey_answers_rating_ck" CHECK ("festival_survey_answers"."rating" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE TABLE "festival_survey_responses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"answered_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "festival_survey_responses_household_uq" UNIQUE("survey_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "festival_surveys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"holiday_name" text NOT NULL,
	"opens_at" timestamp (3) with time zone NOT NULL,
	"closes_at" timestamp (3) with time zone NOT NULL,
	"questions" text[] NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "festival_surveys_window_ck" CHECK ("festival_surveys"."closes_at" > "festival_surveys"."opens_at"),
	CONSTRAINT "festival_surveys_questions_ck" CHECK (cardinality("festival_surveys"."questions") BETWEEN 1 AND 10)
);
--> statement-breakpoint
ALTER TABLE "festival_survey_answers" ADD CONSTRAINT "festival_survey_answers_response_id_festival_survey_responses_id_fk" FOREIGN KEY ("response_id") REFERENCES "public"."festival_survey_responses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "festival_survey_responses" ADD CONSTRAINT "festival_survey_responses_survey_id_festival_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."festival_surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "festival_survey_responses" ADD CONSTRAINT "festival_survey_responses_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "festival_survey_responses" ADD CONSTRAINT "festival_survey_responses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "festival_surveys" ADD CONSTRAINT "festival_surveys_company_id_property_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "festival_surveys" ADD CONSTRAINT "festival_surveys_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "festival_surveys" ADD CONSTRAINT "festival_surveys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "festival_surveys_community_idx" ON "festival_surveys" USING btree ("community_id","closes_at");--> statement-breakpoint
CREATE INDEX "festival_surveys_company_idx" ON "festival_surveys" USING btree ("company_id","created_at");