import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { trpc } from '@cgp/kit/api';

const TASKS_KEY = ['worker', 'tasks'] as const;

/** The worker's tasks (open ones and today's finished), refreshed every half minute. */
export function useWorkerTasks() {
  return useQuery({
    queryKey: TASKS_KEY,
    queryFn: () => trpc.worker.tasks.list.query(),
    refetchInterval: 30_000,
  });
}

/** 到达打卡 and 完成; either refreshes the list. */
export function useTaskActions() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: TASKS_KEY });
  const arrive = useMutation({
    mutationFn: (id: string) => trpc.worker.tasks.arrive.mutate({ id }),
    onSettled: refresh,
  });
  const complete = useMutation({
    mutationFn: (input: { id: string; photoIds: string[]; note: string }) =>
      trpc.worker.tasks.complete.mutate(input),
    onSettled: refresh,
  });
  return { arrive, complete };
}
