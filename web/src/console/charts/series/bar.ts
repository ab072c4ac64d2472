// Registers ECharts' bar series: loaded only by the charts that draw bars.
import 'echarts/lib/chart/bar';
