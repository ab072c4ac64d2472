/**
 * What every console chart needs from ECharts, and nothing more: the core, a canvas, axes,
 * tooltips and legends. Each kind of series is registered by the chart view that draws it, and
 * pages load those views lazily, so a route only downloads the ECharts it draws.
 */
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { default as VChart } from 'vue-echarts';
