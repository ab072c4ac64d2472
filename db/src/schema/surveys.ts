import { sql } from 'drizzle-orm';
import {
  check,
  index,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { communities, propertyCompanies, units } from './tenancy';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * A festival survey (重要节日专项满意度调查) of one community: a few questions, each a 1–5 rating
 * with an optional comment, open to every household of the community in [opens_at, closes_at).
 */
export const festivalSurveys = pgTable(
  'festival_surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: uuid('company_id')
      .notNull()
      .references(() => propertyCompanies.id),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    holidayName: text('holiday_name').notNull(),
    opensAt: ts('opens_at').notNull(),
    closesAt: ts('closes_at').notNull(),
    /** The questions' prompts, in order; an answer's `question_no` indexes them from 1. */
    questions: text('questions').array().notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('festival_surveys_community_idx').on(t.communityId, t.closesAt),
    index('festival_surveys_company_idx').on(t.companyId, t.createdAt),
    check('festival_surveys_window_ck', sql`${t.closesAt} > ${t.opensAt}`),
    check('festival_surveys_questions_ck', sql`cardinality(${t.questions}) BETWEEN 1 AND 10`),
  ],
);

/** A household's one answer to a survey (the unique key is the once-per-household rule). */
export const festivalSurveyResponses = pgTable(
  'festival_survey_responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => festivalSurveys.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    answeredAt: ts('answered_at').notNull().defaultNow(),
  },
  (t) => [unique('festival_survey_responses_household_uq').on(t.surveyId, t.unitId)],
);

/** One question's rating (and comment) in a response. */
export const festivalSurveyAnswers = pgTable(
  'festival_survey_answers',
  {
    responseId: uuid('response_id')
      .notNull()
      .references(() => festivalSurveyResponses.id),
    questionNo: smallint('question_no').notNull(),
    rating: smallint('rating').notNull(),
    comment: text('comment').notNull().default(''),
  },
  (t) => [
    primaryKey({ columns: [t.responseId, t.questionNo] }),
    check('festival_survey_answers_rating_ck', sql`${t.rating} BETWEEN 1 AND 5`),
  ],
);
