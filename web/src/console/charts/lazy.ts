import { ElSkeleton } from 'element-plus';
import { defineAsyncComponent, h } from 'vue';
import ChartFailed from './ChartFailed.vue';

/**
 * The console's chart, loaded when first drawn (ECharts is the console's largest dependency):
 * a skeleton meanwhile, a sentence if its chunk cannot be fetched after two retries. Give it the
 * ECharts option and the kinds of series it holds: `<LazyChart :option="…" :kinds="['bar']" />`.
 */
export const LazyChart = defineAsyncComponent({
  loader: () => import('./ChartView.vue'),
  loadingComponent: { render: () => h(ElSkeleton, { rows: 5, animated: true }) },
  errorComponent: ChartFailed,
  delay: 100,
  onError(_error, retry, fail, attempts) {
    if (attempts <= 2) retry();
    else fail();
  },
});
