import {
  communities,
  festivalSurveyAnswers,
  festivalSurveyResponses,
  festivalSurveys,
  type Db,
} from '@cgp/db';
import { and, asc, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { BadRequest, Conflict, NotFound } from '../../errors';
import { recordAudit } from '../audit/audit-log';
import type { PropertyActor, ResidentActor } from '../identity/actor';
import { communityInScope, tenantScopeOf, type TenantScope } from '../identity/tenant-scope';
import type { answerSurveyInput, createSurveyInput, surveyIdInput } from './quality.schema';

const surveyInScope = (scope: TenantScope) =>
  communityInScope(sql`${festivalSurveys.communityId}`, scope);

/** Households of the survey's community: every unit (住户), whether or not anyone signed up. */
const householdsOf = sql<number>`(SELECT count(*)::int FROM units u WHERE u.community_id = ${festivalSurveys.communityId})`;
const answeredOf = sql<number>`(SELECT count(*)::int FROM festival_survey_responses r WHERE r.survey_id = ${festivalSurveys.id})`;

/** The communities a survey may be created for: the scope's own. */
export async function listSurveyCommunities(db: Db, scope: TenantScope) {
  return db
    .select({ id: communities.id, name: communities.name })
    .from(communities)
    .where(communityInScope(sql`${communities.id}`, scope))
    .orderBy(asc(communities.name));
}

/** Creates a festival survey for one of the company's communities. */
export async function createSurvey(
  db: Db,
  actor: PropertyActor,
  input: z.infer<typeof createSurveyInput>,
) {
  return db.transaction(async (tx) => {
    const [community] = await tx
      .select({ id: communities.id, companyId: communities.companyId })
      .from(communities)
      .where(
        and(
          eq(communities.id, input.communityId),
          communityInScope(sql`${communities.id}`, tenantScopeOf(actor)),
        ),
      );
    if (!community) throw new NotFound('Community');
    const [survey] = await tx
      .insert(festivalSurveys)
      .values({
        companyId: community.companyId,
        communityId: community.id,
        holidayName: input.holidayName,
        opensAt: new Date(input.from),
        closesAt: new Date(input.to),
        questions: input.questions,
        createdBy: actor.id,
      })
      .returning();
    await recordAudit(tx, {
      actor,
      action: 'quality.createSurvey',
      subjectType: 'festival_survey',
      subjectId: survey!.id,
      after: { holidayName: survey!.holidayName, questions: survey!.questions.length },
    });
    return { id: survey!.id };
  });
}

/** The scope's surveys, newest first, each with its response rate. */
export function listSurveys(db: Db, scope: TenantScope) {
  return surveysWithRates(db, scope);
}

async function surveysWithRates(db: Db, scope: TenantScope, id?: string) {
  const rows = await db
    .select({
      survey: festivalSurveys,
      communityName: communities.name,
      households: householdsOf,
      answered: answeredOf,
    })
    .from(festivalSurveys)
    .innerJoin(communities, eq(communities.id, festivalSurveys.communityId))
    .where(and(surveyInScope(scope), id ? eq(festivalSurveys.id, id) : undefined))
    .orderBy(desc(festivalSurveys.opensAt), desc(festivalSurveys.id))
    .limit(100);
  const now = Date.now();
  return rows.map((r) => ({
    id: r.survey.id,
    communityId: r.survey.communityId,
    communityName: r.communityName,
    holidayName: r.survey.holidayName,
    opensAt: r.survey.opensAt.toISOString(),
    closesAt: r.survey.closesAt.toISOString(),
    state: windowState(r.survey, now),
    questions: r.survey.questions,
    households: r.households,
    answered: r.answered,
    /** Households answered / households in the community; null when the community has none. */
    responseRate: r.households > 0 ? r.answered / r.households : null,
  }));
}

const windowState = (
  s: { opensAt: Date; closesAt: Date },
  now: number,
): 'upcoming' | 'open' | 'closed' =>
  now < s.opensAt.getTime() ? 'upcoming' : now >= s.closesAt.getTime() ? 'closed' : 'open';

/** One survey's results: per question the mean rating, how many rated it, and the comments. */
export async function surveyResults(
  db: Db,
  scope: TenantScope,
  input: z.infer<typeof surveyIdInput>,
) {
  const [survey] = await surveysWithRates(db, scope, input.id);
  if (!survey) throw new NotFound('Survey');
  const stats = await db
    .select({
      questionNo: festivalSurveyAnswers.questionNo,
      count: sql<number>`count(*)::int`,
      mean: sql<string>`avg(${festivalSurveyAnswers.rating})`,
    })
    .from(festivalSurveyAnswers)
    .innerJoin(
      festivalSurveyResponses,
      eq(festivalSurveyResponses.id, festivalSurveyAnswers.responseId),
    )
    .where(eq(festivalSurveyResponses.surveyId, input.id))
    .groupBy(festivalSurveyAnswers.questionNo);
  const comments = await db
    .select({
      questionNo: festivalSurveyAnswers.questionNo,
      rating: festivalSurveyAnswers.rating,
      comment: festivalSurveyAnswers.comment,
      answeredAt: festivalSurveyResponses.answeredAt,
    })
    .from(festivalSurveyAnswers)
    .innerJoin(
      festivalSurveyResponses,
      eq(festivalSurveyResponses.id, festivalSurveyAnswers.responseId),
    )
    .where(
      and(
        eq(festivalSurveyResponses.surveyId, input.id),
        sql`${festivalSurveyAnswers.comment} <> ''`,
      ),
    )
    .orderBy(desc(festivalSurveyResponses.answeredAt));
  return {
    ...survey,
    results: survey.questions.map((prompt, i) => {
      const s = stats.find((x) => x.questionNo === i + 1);
      return {
        questionNo: i + 1,
        prompt,
        count: s?.count ?? 0,
        mean: s ? Math.round(Number(s.mean) * 100) / 100 : null,
        comments: comments
          .filter((c) => c.questionNo === i + 1)
          .slice(0, 50)
          .map((c) => ({ rating: c.rating, comment: c.comment, at: c.answeredAt.toISOString() })),
      };
    }),
  };
}

/** The resident's community's surveys open now, and whether their household has answered. */
export async function listMySurveys(db: Db, actor: ResidentActor) {
  const rows = await db
    .select({
      survey: festivalSurveys,
      responseId: festivalSurveyResponses.id,
      answeredAt: festivalSurveyResponses.answeredAt,
    })
    .from(festivalSurveys)
    .leftJoin(
      festivalSurveyResponses,
      and(
        eq(festivalSurveyResponses.surveyId, festivalSurveys.id),
        eq(festivalSurveyResponses.unitId, actor.unitId),
      ),
    )
    .where(
      and(
        eq(festivalSurveys.communityId, actor.communityId),
        lte(festivalSurveys.opensAt, sql`now()`),
        gt(festivalSurveys.closesAt, sql`now()`),
      ),
    )
    .orderBy(asc(festivalSurveys.closesAt));
  return rows.map((r) => ({
    id: r.survey.id,
    holidayName: r.survey.holidayName,
    opensAt: r.survey.opensAt.toISOString(),
    closesAt: r.survey.closesAt.toISOString(),
    questions: r.survey.questions,
    answered: r.responseId !== null,
    answeredAt: r.answeredAt?.toISOString() ?? null,
  }));
}

/**
 * Records the household's answer, once: the window and the community are checked by the insert
 * itself, and the unique (survey, unit) key settles two answers sent at the same moment.
 */
export async function answerSurvey(
  db: Db,
  actor: ResidentActor,
  input: z.infer<typeof answerSurveyInput>,
) {
  return db.transaction(async (tx) => {
    const [survey] = await tx
      .select()
      .from(festivalSurveys)
      .where(
        and(eq(festivalSurveys.id, input.id), eq(festivalSurveys.communityId, actor.communityId)),
      );
    if (!survey) throw new NotFound('Survey');
    if (input.answers.length !== survey.questions.length) {
      throw new BadRequest('answers_mismatch', 'Please answer every question of the survey');
    }
    const { rows } = await tx.execute<{ id: string }>(sql`
      INSERT INTO festival_survey_responses (survey_id, unit_id, user_id)
      SELECT s.id, ${actor.unitId}, ${actor.id} FROM festival_surveys s
       WHERE s.id = ${survey.id} AND s.community_id = ${actor.communityId}
         AND s.opens_at <= now() AND s.closes_at > now()
      ON CONFLICT (survey_id, unit_id) DO NOTHING
      RETURNING id`);
    const response = rows[0];
    if (!response) {
      const [open] = await tx
        .select({ id: festivalSurveys.id })
        .from(festivalSurveys)
        .where(
          and(
            eq(festivalSurveys.id, survey.id),
            lte(festivalSurveys.opensAt, sql`now()`),
            gt(festivalSurveys.closesAt, sql`now()`),
          ),
        );
      if (!open) {
        throw new Conflict('survey_closed', 'This survey is not open for answers now', {
          opensAt: survey.opensAt.toISOString(),
          closesAt: survey.closesAt.toISOString(),
        });
      }
      throw new Conflict('already_answered', 'Your household has already answered this survey');
    }
    await tx.insert(festivalSurveyAnswers).values(
      input.answers.map((a, i) => ({
        responseId: response.id,
        questionNo: i + 1,
        rating: a.rating,
        comment: a.comment ?? '',
      })),
    );
    return { id: response.id };
  });
}
