import { z } from 'zod';
import type { ApiRoutes } from './api';
import { expandParam, listParams, nonEmpty } from './params';
import { getObject, listObjects } from './store';

const listEventParams = z.strictObject({ ...listParams, type: nonEmpty.optional() });

/** Events can be fetched as well as received, e.g. to re-check one a webhook announced. */
export function eventRoutes(api: ApiRoutes): void {
  api.get('/events', listEventParams, ({ db }, params) =>
    listObjects(
      db,
      'event',
      { type: params.type },
      { ...params, limit: params.limit ?? 10 },
      '/v1/events',
    ),
  );
  api.get('/events/:id', z.strictObject({ expand: expandParam }), async ({ db, path }) => {
    return (await getObject(db, 'event', path.id!)).data;
  });
}
