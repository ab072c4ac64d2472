import type { TRPCRouterRecord } from '@trpc/server';
import { merchantProcedure, opsProcedure, propertyProcedure, residentProcedure } from '../../trpc';
import { tenantScopeOf } from '../identity/tenant-scope';
import { timersFrom } from '../orders/timers';
import { listCallbacks, recordCallback } from './callbacks.service';
import { kpiOrders, qualityKpis } from './kpis.service';
import {
  answerSurveyInput,
  callbacksListInput,
  createSurveyInput,
  kpiOrdersInput,
  kpisInput,
  merchantKpisInput,
  recordCallbackInput,
  replyReviewInput,
  resolveTicketInput,
  surveyIdInput,
  ticketsListInput,
} from './quality.schema';
import { replyToReview } from './ratings.service';
import {
  answerSurvey,
  createSurvey,
  listMySurveys,
  listSurveyCommunities,
  listSurveys,
  surveyResults,
} from './surveys.service';
import { listTickets, resolveTicket } from './tickets.service';

/** Service quality for the property console (`quality.*`): KPIs, callbacks and tickets. */
export const qualityRouter = {
  kpis: propertyProcedure
    .input(kpisInput)
    .query(({ ctx, input }) =>
      qualityKpis(ctx.db, tenantScopeOf(ctx.actor), input, ctx.env.TZ_BUSINESS),
    ),
  kpiOrders: propertyProcedure
    .input(kpiOrdersInput)
    .query(({ ctx, input }) =>
      kpiOrders(ctx.db, tenantScopeOf(ctx.actor), input, ctx.env.TZ_BUSINESS),
    ),
  callbacks: {
    list: propertyProcedure
      .input(callbacksListInput)
      .query(({ ctx, input }) => listCallbacks(ctx.db, ctx.actor, input)),
    record: opsProcedure
      .input(recordCallbackInput)
      .mutation(({ ctx, input }) => recordCallback(ctx.db, ctx.actor, input, timersFrom(ctx.env))),
  },
  tickets: {
    list: propertyProcedure
      .input(ticketsListInput)
      .query(({ ctx, input }) => listTickets(ctx.db, ctx.actor, input)),
    resolve: opsProcedure
      .input(resolveTicketInput)
      .mutation(({ ctx, input }) => resolveTicket(ctx.db, ctx.actor, input)),
  },
  surveys: {
    communities: propertyProcedure.query(({ ctx }) =>
      listSurveyCommunities(ctx.db, tenantScopeOf(ctx.actor)),
    ),
    list: propertyProcedure.query(({ ctx }) => listSurveys(ctx.db, tenantScopeOf(ctx.actor))),
    results: propertyProcedure
      .input(surveyIdInput)
      .query(({ ctx, input }) => surveyResults(ctx.db, tenantScopeOf(ctx.actor), input)),
    create: opsProcedure
      .input(createSurveyInput)
      .mutation(({ ctx, input }) => createSurvey(ctx.db, ctx.actor, input)),
  },
} satisfies TRPCRouterRecord;

/** `me.surveys.*`: the festival surveys open to the resident's household, and its answer. */
export const meSurveysRouter = {
  list: residentProcedure.query(({ ctx }) => listMySurveys(ctx.db, ctx.actor)),
  answer: residentProcedure
    .input(answerSurveyInput)
    .mutation(({ ctx, input }) => answerSurvey(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;

/** The merchant's own KPIs by month (`merchant.quality.kpis`). */
export const merchantQualityRouter = {
  kpis: merchantProcedure
    .input(merchantKpisInput)
    .query(({ ctx, input }) =>
      qualityKpis(
        ctx.db,
        { kind: 'merchant', merchantId: ctx.actor.merchantId },
        { ...input, groupBy: 'month' },
        ctx.env.TZ_BUSINESS,
      ),
    ),
} satisfies TRPCRouterRecord;

/** `merchant.reviews.reply`: the merchant's one answer to a resident's rating. */
export const reviewReplyProcedure = merchantProcedure
  .input(replyReviewInput)
  .mutation(({ ctx, input }) => replyToReview(ctx.db, ctx.actor, input));
