// The demo page: reads the link settings, runs two layer4 stacks in this tab (run.ts), plays the
// run at a watchable speed (player.ts) and draws it with src/viz: a ladder diagram of the opening,
// first segments and close, and a time-sequence plot of the whole transfer. English or Korean.

import { renderLadderSvg } from '../src/viz/ladder-svg.js';
import { renderTimeSequenceSvg } from '../src/viz/plot-timeseq.js';
import { seriesFromTrace } from '../src/viz/series.js';
import type { Lang, LadderTrace, TimeSeries } from '../src/viz/trace.js';
import { DEFAULT_PARAMS, LIMITS, paramText, paramTextFromQuery, parseParams, type ParamField, type ParamText } from './params.js';
import { Player } from './player.js';
import { CLIENT_ADDRESS, DemoRun, SERVER_ADDRESS, SERVER_PORT } from './run.js';
import { STRINGS, failText, formatCount, formatDuration, formatRate, runTitle, t, type StringKey } from './strings.js';

const FIELDS: readonly ParamField[] = ['loss', 'delay', 'rate', 'bytes', 'seed'];
/** Least wall time between plot redraws while running; grows with the cost of a redraw. */
const PLOT_EVERY_MS = 250;
const LANG_KEY = 'layer4.lang';

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`page is missing #${id}`);
  return e as T;
}

function initialLang(): Lang {
  const q = new URLSearchParams(location.search).get('lang');
  if (q === 'en' || q === 'ko') return q;
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'en' || saved === 'ko') return saved;
  } catch {
    // storage may be disabled; fall through
  }
  return navigator.language.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

class Page {
  lang: Lang = initialLang();
  run: DemoRun | undefined;
  player: Player | undefined;
  frame = 0;
  lastPlot = -Infinity;
  plotEvery = PLOT_EVERY_MS;
  status: { key: StringKey; vars: Record<string, string | number> } = { key: 'statusIdle', vars: {} };

  readonly form = el<HTMLFormElement>('controls');
  readonly inputs = Object.fromEntries(FIELDS.map((f) => [f, el<HTMLInputElement>(f)])) as Record<ParamField, HTMLInputElement>;
  readonly skip = el<HTMLButtonElement>('skip');
  readonly explain = el<HTMLInputElement>('explain');
  readonly message = el('message');
  readonly bar = el('bar');
  readonly stats = el('stats');
  readonly ladder = el('ladder');
  readonly plot = el('plot');

  start(): void {
    const text = paramTextFromQuery(location.search, paramText(DEFAULT_PARAMS));
    for (const f of FIELDS) this.inputs[f].value = text[f];
    this.explain.checked = new URLSearchParams(location.search).get('explain') === '1';
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.begin();
    });
    this.skip.addEventListener('click', () => {
      if (this.player !== undefined) this.player.instant = true;
    });
    this.explain.addEventListener('change', () => this.drawLadder());
    for (const b of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
      b.addEventListener('click', () => this.setLang(b.dataset['lang'] === 'ko' ? 'ko' : 'en'));
    }
    let resize = 0;
    window.addEventListener('resize', () => {
      cancelAnimationFrame(resize);
      resize = requestAnimationFrame(() => this.drawPlot());
    });
    this.setLang(this.lang);
    document.body.dataset['state'] = 'idle';
  }

  setLang(lang: Lang): void {
    this.lang = lang;
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      // not saved; the choice still applies to this page
    }
    document.documentElement.lang = lang;
    document.title = STRINGS.pageTitle[lang];
    for (const e of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
      const key = e.dataset['i18n'] as StringKey;
      if (key in STRINGS) e.textContent = t(key, lang);
    }
    for (const b of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset['lang'] === lang));
    this.markProblems({});
    this.showStatus();
    this.drawLadder();
    this.drawPlot();
  }

  readText(): ParamText {
    const v = (f: ParamField): string => this.inputs[f].value;
    return { loss: v('loss'), delay: v('delay'), rate: v('rate'), bytes: v('bytes'), seed: v('seed') };
  }

  markProblems(problems: Partial<Record<ParamField, string>>): void {
    const lim: Record<ParamField, { min: number; max: number }> = {
      loss: LIMITS.lossPercent,
      delay: LIMITS.delayMs,
      rate: LIMITS.rateMbps,
      bytes: { min: 1, max: LIMITS.bytes.max },
      seed: LIMITS.seed,
    };
    for (const f of FIELDS) {
      const input = this.inputs[f];
      const p = problems[f];
      const field = input.closest('.field');
      const hint = field?.querySelector<HTMLElement>('.hint');
      if (p === undefined) {
        input.removeAttribute('aria-invalid');
        field?.classList.remove('invalid');
        if (hint) hint.textContent = t(`${f}Hint` as StringKey, this.lang);
        continue;
      }
      input.setAttribute('aria-invalid', 'true');
      field?.classList.add('invalid');
      const max = f === 'bytes' ? '64M' : formatCount(lim[f].max);
      const msg = p === 'range' ? t('problemRange', this.lang, { min: lim[f].min, max }) : p === 'integer' ? t('problemInteger', this.lang) : t('problemNumber', this.lang);
      if (hint) hint.textContent = msg;
    }
  }

  begin(): void {
    const parsed = parseParams(this.readText());
    if (!parsed.ok) {
      this.markProblems(parsed.problems);
      this.setStatus('badInput');
      return;
    }
    this.markProblems({});
    cancelAnimationFrame(this.frame);
    const query = new URLSearchParams({ ...paramText(parsed.params), lang: this.lang });
    history.replaceState(null, '', `?${query.toString()}`);
    try {
      this.run = new DemoRun(parsed.params);
    } catch (e) {
      this.run = undefined;
      this.player = undefined;
      this.setStatus('statusFailed', { reason: e instanceof Error ? e.message : String(e) });
      document.body.dataset['state'] = 'failed';
      return;
    }
    this.player = new Player(this.run, () => performance.now());
    this.lastPlot = -Infinity;
    this.plotEvery = PLOT_EVERY_MS;
    this.skip.disabled = false;
    document.body.dataset['state'] = 'running';
    this.setStatus('statusRunning');
    this.drawLadder();
    this.drawPlot();
    this.frame = requestAnimationFrame((now) => this.tick(now));
    // (data-state=running has given the ladder its full height.) Bring the diagrams into view: the status line at the top, the ladder's newest rows below it.
    const status = this.message.closest('section');
    if (status !== null && this.ladder.getBoundingClientRect().top > window.innerHeight * 0.3) {
      status.scrollIntoView({ block: 'start' });
    }
  }

  tick(now: number): void {
    const player = this.player;
    const run = this.run;
    if (player === undefined || run === undefined) return;
    const r = player.tick(now);
    if (r.ladderChanged) this.drawLadder();
    if (r.finished || now - this.lastPlot >= this.plotEvery) {
      const cost = this.drawPlot();
      this.lastPlot = performance.now();
      // Big transfers make the plot slow to draw: redraw less often so the run keeps the CPU.
      this.plotEvery = Math.max(PLOT_EVERY_MS, 5 * cost);
    }
    this.showStats();
    if (!r.finished) {
      this.frame = requestAnimationFrame((n) => this.tick(n));
      return;
    }
    this.skip.disabled = true;
    const o = run.outcome;
    if (o.kind === 'done') {
      this.setStatus('statusDone', { bytes: formatCount(run.params.bytes), time: formatDuration(run.stats().completeAt ?? run.now) });
      document.body.dataset['state'] = 'done';
    } else {
      this.setStatus('statusFailed');
      document.body.dataset['state'] = 'failed';
    }
  }

  setStatus(key: StringKey, vars: Record<string, string | number> = {}): void {
    this.status = { key, vars };
    this.showStatus();
  }

  showStatus(): void {
    const vars = { ...this.status.vars };
    const o = this.run?.outcome;
    if (this.status.key === 'statusFailed' && o?.kind === 'failed') vars['reason'] = failText(o.reason, this.lang, this.run?.params.bytes ?? 0);
    this.message.textContent = t(this.status.key, this.lang, vars);
    this.message.className = `message ${this.status.key}`;
    this.showStats();
  }

  showStats(): void {
    const run = this.run;
    if (run === undefined) {
      this.stats.replaceChildren();
      this.bar.style.width = '0%';
      return;
    }
    const s = run.stats();
    const shown = run.finished ? s.now : Math.min(s.now, this.player?.shown ?? s.now);
    const done = s.completeAt;
    const goodput = done !== undefined && done > 0 ? (s.bytesReceived * 8 * 1000) / done : undefined;
    const rows: Array<[StringKey, string]> = [
      ['statTime', formatDuration(shown)],
      ['statClient', s.states[0]],
      ['statServer', s.states[1]],
      ['statReceived', `${formatCount(s.bytesReceived)} / ${formatCount(run.params.bytes)} B`],
      ['statSegments', formatCount(s.segments)],
      ['statRetx', formatCount(s.retransmissions)],
      ['statLost', formatCount(s.lost)],
      ['statGoodput', goodput === undefined ? '–' : formatRate(goodput)],
    ];
    const nodes: HTMLElement[] = [];
    for (const [key, value] of rows) {
      const div = document.createElement('div');
      div.className = `stat ${key}`;
      const dt = document.createElement('dt');
      dt.textContent = t(key, this.lang);
      const dd = document.createElement('dd');
      dd.textContent = value;
      div.append(dt, dd);
      nodes.push(div);
    }
    this.stats.replaceChildren(...nodes);
    this.bar.style.width = `${Math.min(100, (100 * s.bytesReceived) / run.params.bytes).toFixed(2)}%`;
  }

  ladderTrace(): LadderTrace {
    if (this.run !== undefined) {
      const all = this.run.ladder.view(this.run.recorder.trace.sides);
      return { sides: all.sides, entries: all.entries.slice(0, this.player?.revealed ?? all.entries.length) };
    }
    return { sides: [{ name: 'client', address: CLIENT_ADDRESS }, { name: 'server', address: SERVER_ADDRESS, port: SERVER_PORT }], entries: [] };
  }

  drawLadder(): void {
    const box = this.ladder;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    const svg = renderLadderSvg(this.ladderTrace(), {
      lang: this.lang,
      relative: true,
      explain: this.explain.checked,
      options: true,
      title: t('ladderTitle', this.lang),
    });
    box.innerHTML = stripXmlDeclaration(svg);
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  /** Draws the plot; returns the wall ms it took. */
  drawPlot(): number {
    const start = performance.now();
    const series: TimeSeries = this.run !== undefined ? seriesFromTrace(arrivedAcks(this.run.recorder.trace), 0) : { segments: [], acks: [], cc: [] };
    if (this.run !== undefined) series.cc = this.run.cc;
    // Narrower than 600 px the legend would not fit: draw at 600 and let CSS scale it down.
    const width = Math.max(600, Math.min(1400, Math.floor(this.plot.clientWidth || 900)));
    const title = this.run !== undefined ? runTitle(this.run.params, this.lang) : t('plotTitle', this.lang);
    const svg = renderTimeSequenceSvg(series, { lang: this.lang, width, height: 340, idPrefix: 'plot', cwndPanel: series.cc.length > 0, title });
    this.plot.innerHTML = stripXmlDeclaration(svg);
    return performance.now() - start;
  }
}

/**
 * The trace without the server's segments still on the link: the plot is the client's view, and an
 * ACK counts when it arrives (drawn at its send time, it would step the ACK line back down).
 */
function arrivedAcks(trace: LadderTrace): LadderTrace {
  return { sides: trace.sides, entries: trace.entries.filter((e) => e.kind !== 'segment' || e.from === 0 || e.tArrive !== undefined || e.lost === true) };
}

function stripXmlDeclaration(svg: string): string {
  return svg.replace(/^<\?xml[^>]*\?>\s*/, '');
}

new Page().start();
