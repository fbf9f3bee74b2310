export * from './identification';
export * from './verification';
export * from './quality-breakdown';
export { createRandom, deriveSeed, type Random } from './random';
export * from './degradation';
export * from './results';
export { linePlot, histogramPlot, type PlotSeries, type PlotOptions, type HistogramOptions } from './svg-plot';
export { renderReportMarkdown, renderReportHtml } from './report';
