// Registers ECharts' line series: loaded only by the charts that draw lines.
import 'echarts/lib/chart/line';
