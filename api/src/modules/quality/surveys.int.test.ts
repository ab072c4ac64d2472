import { festivalSurveyAnswers, festivalSurveyResponses, festivalSurveys } from '@cgp/db';
import { createFactories } from '@cgp/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestDeps, type TestDeps } from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

const hour = 3_600_000;
const window = (fromHours: number, toHours: number) => ({
  from: new Date(Date.now() + fromHours * hour).toISOString(),
  to: new Date(Date.now() + toHours * hour).toISOString(),
});

/** A community of 4 households (two residents sharing one), its company's ops, and a neighbour. */
async function surveyWorld() {
  const f = createFactories(deps.db);
  const company = await f.createCompany();
  const community = await f.createCommunity({ companyId: company.id, name: '春风小区' });
  const a = await f.createResident({ community });
  const b = await f.createResident({ community });
  await f.createUnit(community);
  await f.createUnit(community);
  const aSpouse = await f.createUser({
    role: 'resident',
    displayName: '同户家人',
    unitId: a.unit.id,
  });
  const neighbourCommunity = await f.createCommunity({ companyId: company.id, name: '秋月小区' });
  const neighbour = await f.createResident({ community: neighbourCommunity });
  const ops = await f.createPropertyUser(company.id, 'property_ops');
  const auditor = await f.createPropertyUser(company.id, 'property_auditor');
  const otherOps = await f.createPropertyUser((await f.createCompany()).id, 'property_ops');
  return { community, a, b, aSpouse, neighbour, ops, auditor, otherOps };
}

const questions = ['对春节期间的保洁服务满意吗？', '对节日活动满意吗？'];

describe('festival surveys', () => {
  it('lets ops create one for their community only, and keeps it from other companies', async () => {
    const w = await surveyWorld();
    const asOps = await callerFor(deps, w.ops.id);
    expect((await asOps.quality.surveys.communities()).map((c) => c.name).sort()).toEqual([
      '春风小区',
      '秋月小区',
    ]);
    const { id } = await asOps.quality.surveys.create({
      communityId: w.community.id,
      holidayName: '春节',
      ...window(-1, 24 * 7),
      questions,
    });

    const asOther = await callerFor(deps, w.otherOps.id);
    await expect(
      asOther.quality.surveys.create({
        communityId: w.community.id,
        holidayName: '春节',
        ...window(-1, 24),
        questions,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await asOther.quality.surveys.list()).map((s) => s.id)).not.toContain(id);
    await expect(asOther.quality.surveys.results({ id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await asOther.quality.surveys.communities()).toEqual([]);

    const asAuditor = await callerFor(deps, w.auditor.id);
    expect((await asAuditor.quality.surveys.list()).map((s) => s.id)).toContain(id);
    await expect(
      asAuditor.quality.surveys.create({
        communityId: w.community.id,
        holidayName: '中秋',
        ...window(0, 24),
        questions,
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect((await callerFor(deps, w.a.id)).quality.surveys.list()).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });

    // Bad input writes nothing: a window that ends before it starts, no questions.
    const before = await deps.db.select().from(festivalSurveys);
    await expect(
      asOps.quality.surveys.create({
        communityId: w.community.id,
        holidayName: '端午',
        ...window(24, 1),
        questions,
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      asOps.quality.surveys.create({
        communityId: w.community.id,
        holidayName: '端午',
        ...window(0, 24),
        questions: [],
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await deps.db.select().from(festivalSurveys)).toHaveLength(before.length);
  });

  it('takes one answer per household, only from its community, and shows rate and results', async () => {
    const w = await surveyWorld();
    const asOps = await callerFor(deps, w.ops.id);
    const { id } = await asOps.quality.surveys.create({
      communityId: w.community.id,
      holidayName: '春节',
      ...window(-1, 24),
      questions,
    });

    const asA = await callerFor(deps, w.a.id);
    expect(await asA.me.surveys.list()).toMatchObject([
      { id, holidayName: '春节', questions, answered: false },
    ]);
    const asNeighbour = await callerFor(deps, w.neighbour.id);
    expect(await asNeighbour.me.surveys.list()).toEqual([]);
    await expect(
      asNeighbour.me.surveys.answer({ id, answers: [{ rating: 1 }, { rating: 1 }] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Every question must be answered; a short answer writes nothing.
    await expect(asA.me.surveys.answer({ id, answers: [{ rating: 5 }] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(
      asA.me.surveys.answer({ id, answers: [{ rating: 6 }, { rating: 5 }] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await deps.db.select().from(festivalSurveyResponses)).toEqual([]);

    // The household answers twice at once (two phones of one flat): one answer is kept.
    const asSpouse = await callerFor(deps, w.aSpouse.id);
    const race = await Promise.allSettled([
      asA.me.surveys.answer({
        id,
        answers: [{ rating: 5, comment: '保洁很及时' }, { rating: 4 }],
      }),
      asSpouse.me.surveys.answer({ id, answers: [{ rating: 1 }, { rating: 1 }] }),
    ]);
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = race.find((r) => r.status === 'rejected');
    expect(refused?.reason).toMatchObject({
      code: 'CONFLICT',
      cause: { reason: 'already_answered' },
    });
    await expect(
      asA.me.surveys.answer({ id, answers: [{ rating: 3 }, { rating: 3 }] }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await asA.me.surveys.list())[0]).toMatchObject({ answered: true });

    const asB = await callerFor(deps, w.b.id);
    await asB.me.surveys.answer({
      id,
      answers: [{ rating: 3 }, { rating: 2, comment: '活动太少' }],
    });

    const [listed] = (await asOps.quality.surveys.list()).filter((s) => s.id === id);
    expect(listed).toMatchObject({ households: 4, answered: 2, responseRate: 0.5, state: 'open' });

    // Results equal SQL over the raw answers.
    const results = await asOps.quality.surveys.results({ id });
    const { rows } = await deps.db.execute<{ q: number; n: number; mean: string }>(sql`
      SELECT a.question_no AS q, count(*)::int AS n, avg(a.rating) AS mean
        FROM festival_survey_answers a JOIN festival_survey_responses r ON r.id = a.response_id
       WHERE r.survey_id = ${id} GROUP BY 1 ORDER BY 1`);
    expect(results.results.map((r) => [r.questionNo, r.count, r.mean])).toEqual(
      rows.map((r) => [r.q, r.n, Math.round(Number(r.mean) * 100) / 100]),
    );
    expect(results.results[0]!.prompt).toBe(questions[0]);
    const firstMean = results.results[0]!.mean!;
    expect(firstMean === 4 || firstMean === 2).toBe(true); // (5+3)/2 or (1+3)/2, whoever won
    expect(results.results[1]!.comments.map((c) => c.comment)).toEqual(['活动太少']);
  });

  it('refuses answers outside the window with a clear reason', async () => {
    const w = await surveyWorld();
    const asOps = await callerFor(deps, w.ops.id);
    const upcoming = await asOps.quality.surveys.create({
      communityId: w.community.id,
      holidayName: '中秋',
      ...window(24, 48),
      questions: ['满意吗？'],
    });
    const closed = await asOps.quality.surveys.create({
      communityId: w.community.id,
      holidayName: '国庆',
      ...window(-48, -24),
      questions: ['满意吗？'],
    });
    const asA = await callerFor(deps, w.a.id);
    expect(await asA.me.surveys.list()).toEqual([]);
    for (const { id } of [upcoming, closed]) {
      await expect(asA.me.surveys.answer({ id, answers: [{ rating: 5 }] })).rejects.toMatchObject({
        code: 'CONFLICT',
        cause: { reason: 'survey_closed' },
      });
    }
    expect(
      await deps.db
        .select()
        .from(festivalSurveyAnswers)
        .innerJoin(
          festivalSurveyResponses,
          eq(festivalSurveyResponses.id, festivalSurveyAnswers.responseId),
        )
        .where(eq(festivalSurveyResponses.unitId, w.a.unit.id)),
    ).toEqual([]);
  });
});
