// Visualisations of a TCP connection: ladder diagrams (text and SVG), time-sequence and
// congestion-window plots. Pure functions from plain trace data to strings.

export * from './trace.js';
export { displayWidth, padEndDisplay, padStartDisplay, wrapDisplay } from './width.js';
export { renderLadderText, type LadderTextOptions } from './ladder-text.js';
export { renderLadderSvg, type LadderSvgOptions } from './ladder-svg.js';
export { renderTimeSequenceSvg, type TimeSeqOptions } from './plot-timeseq.js';
export { renderCwndSvg, type CwndOptions } from './plot-cwnd.js';
export { seriesFromTrace } from './series.js';
