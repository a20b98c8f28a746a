import { Duration } from 'cdk8s';
import { fail } from '../../core/validation';

/**
 * A small typed model of Grafana dashboards (schema version 39) with Prometheus queries:
 * a `Dashboard` holds `Row`s of `Panel`s, each plotting `PromQuery`s. Panels are laid out left
 * to right on Grafana's 24-column grid.
 */

/** The Grafana unit a panel shows its values in. */
export enum PanelUnit {
  /** Plain numbers. */
  SHORT = 'short',
  /** Requests per second. */
  REQUESTS_PER_SECOND = 'reqps',
  /** Operations per second. */
  OPERATIONS_PER_SECOND = 'ops',
  /** A ratio from 0 to 1, shown as a percentage. */
  PERCENT_UNIT = 'percentunit',
  /** Milliseconds. */
  MILLISECONDS = 'ms',
  /** Seconds. */
  SECONDS = 's',
  /** Bytes. */
  BYTES = 'bytes',
  /** Bytes per second. */
  BYTES_PER_SECOND = 'Bps',
  /** Connections per second, as a plain rate. */
  CONNECTIONS_PER_SECOND = 'cps',
  /** A Unix timestamp in seconds, shown as a date. */
  DATE_TIME = 'dateTimeAsIso',
}

/** Options of a Prometheus query. */
export interface PromQueryOptions {
  /**
   * The series name in the legend; `{{label}}` is replaced by the label's value.
   *
   * @default - the series' labels
   */
  readonly legend?: string;
}

/**
 * A PromQL expression plotted by a panel. `$__rate_interval` and the dashboard's variables
 * (`$namespace`) may be used.
 */
export class PromQuery {
  /** A PromQL expression. */
  public static of(expr: string, options: PromQueryOptions = {}): PromQuery {
    return new PromQuery(expr, options.legend);
  }

  private constructor(
    /** The PromQL expression. */
    public readonly expr: string,
    /** The legend format. */
    public readonly legend?: string,
  ) {}

  /** @internal Checks the expression is non-empty and its brackets and quotes balance. */
  public _validate(where: string): void {
    if (this.expr.trim() === '') fail(undefined, `${where}.expr`, this.expr, 'must be a non-empty PromQL expression');
    const closing: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
    const stack: string[] = [];
    let quote: string | undefined;
    for (let i = 0; i < this.expr.length; i++) {
      const c = this.expr[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === '"' || c === '\'' || c === '`') {quote = c;} else if (c === '(' || c === '[' || c === '{') {stack.push(c);} else if (c in closing && stack.pop() !== closing[c]) {
        fail(undefined, `${where}.expr`, this.expr, `has an unbalanced "${c}" at position ${i}`);
      }
    }
    if (quote || stack.length > 0) fail(undefined, `${where}.expr`, this.expr, 'has an unclosed bracket or quote');
  }
}

/** Options of a panel. */
export interface PanelOptions {
  /** The panel title. */
  readonly title: string;
  /** The queries it plots (at least one). */
  readonly queries: PromQuery[];
  /**
   * The unit of the values.
   *
   * @default PanelUnit.SHORT
   */
  readonly unit?: PanelUnit;
  /**
   * A description shown as the panel's tooltip.
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * Width in grid columns, 1–24.
   *
   * @default 12 (half the width)
   */
  readonly width?: number;
  /**
   * Height in grid rows.
   *
   * @default 8
   */
  readonly height?: number;
}

/** How a panel draws its queries. */
export enum PanelType {
  /** Lines over time. */
  TIME_SERIES = 'timeseries',
  /** A single big number (the last value). */
  STAT = 'stat',
}

/** A dashboard panel. */
export class Panel {
  /** A graph of the queries over time. */
  public static timeSeries(options: PanelOptions): Panel {
    return new Panel(PanelType.TIME_SERIES, options);
  }

  /** A single number: the last value of the query. Six columns wide unless told. */
  public static stat(options: PanelOptions): Panel {
    return new Panel(PanelType.STAT, { width: 6, height: 4, ...options });
  }

  private constructor(
    /** How the panel draws its queries. */
    public readonly type: PanelType,
    /** The panel's options. */
    public readonly options: PanelOptions,
  ) {}

  /** The queries of the panel. */
  public get queries(): PromQuery[] {
    return [...this.options.queries];
  }

  /** @internal */
  public _validate(where: string): void {
    const o = this.options;
    if (!o.title || o.title.trim() === '') fail(undefined, `${where}.title`, o.title, 'must be a non-empty title');
    if (o.queries.length === 0) fail(undefined, `${where}.queries`, [], 'must have at least one query');
    if (o.queries.length > 26) fail(undefined, `${where}.queries`, o.queries.length, 'must have at most 26 queries (refIds A–Z)');
    const width = o.width ?? 12;
    if (!Number.isInteger(width) || width < 1 || width > 24) fail(undefined, `${where}.width`, width, 'must be an integer from 1 to 24');
    const height = o.height ?? 8;
    if (!Number.isInteger(height) || height < 1 || height > 100) fail(undefined, `${where}.height`, height, 'must be an integer from 1 to 100');
    o.queries.forEach((q, i) => q._validate(`${where}.queries[${i}]`));
  }

  /** @internal */
  public _toJson(id: number, x: number, y: number): any {
    const o = this.options;
    const datasource = { type: 'prometheus', uid: '${datasource}' };
    const visual = this.type === PanelType.STAT
      ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto' }
      : { legend: { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['mean', 'max'] }, tooltip: { mode: 'multi', sort: 'desc' } };
    return dropUndefinedShallow({
      id,
      type: this.type,
      title: o.title,
      description: o.description,
      datasource,
      gridPos: { h: o.height ?? 8, w: o.width ?? 12, x, y },
      fieldConfig: {
        defaults: this.type === PanelType.TIME_SERIES
          ? { unit: o.unit ?? PanelUnit.SHORT, custom: { drawStyle: 'line', fillOpacity: 10, showPoints: 'never', spanNulls: true } }
          : { unit: o.unit ?? PanelUnit.SHORT },
        overrides: [],
      },
      options: visual,
      targets: o.queries.map((q, i) => dropUndefinedShallow({
        refId: String.fromCharCode(65 + i),
        datasource,
        expr: q.expr,
        legendFormat: q.legend,
        range: true,
      })),
    });
  }
}

/** Options of a row. */
export interface RowOptions {
  /** The row title. */
  readonly title: string;
  /** The panels of the row, left to right (wrapping after 24 columns). */
  readonly panels: Panel[];
}

/** A titled group of panels. */
export class Row {
  /** A row of panels. */
  public static of(options: RowOptions): Row {
    return new Row(options.title, [...options.panels]);
  }

  private constructor(
    /** The row title. */
    public readonly title: string,
    /** The panels. */
    public readonly panels: Panel[],
  ) {}
}

/** A dashboard variable that lists the values of a label, e.g. every namespace with traffic. */
export interface LabelVariableOptions {
  /** The variable name, used as `$name` in queries and `var-name` in URLs. */
  readonly name: string;
  /** The label shown next to the drop-down. @default - the name */
  readonly label?: string;
  /** The PromQL query, e.g. `label_values(istio_requests_total, destination_service_namespace)`. */
  readonly query: string;
  /** Allow "All" (matching `.*`). @default false */
  readonly includeAll?: boolean;
}

/** Properties of a dashboard. */
export interface DashboardProps {
  /** The dashboard's unique id (letters, digits, `-` and `_`, at most 40 characters). */
  readonly uid: string;
  /** The title. */
  readonly title: string;
  /** Tags. @default ['istio'] */
  readonly tags?: string[];
  /** The rows, top to bottom. @default - none; add them with addRow() */
  readonly rows?: Row[];
  /** Query variables, after the `datasource` variable every dashboard has. @default - none */
  readonly variables?: LabelVariableOptions[];
  /** How often the dashboard refreshes. @default Duration.seconds(30) */
  readonly refresh?: Duration;
  /** How far back the dashboard looks by default. @default Duration.minutes(30) */
  readonly timeRange?: Duration;
}

/** A Grafana dashboard over Prometheus data. */
export class Dashboard {
  /** The unique id. */
  public readonly uid: string;
  /** The title. */
  public readonly title: string;
  private readonly rows: Row[] = [];
  private readonly props: DashboardProps;

  public constructor(props: DashboardProps) {
    this.props = props;
    this.uid = props.uid;
    this.title = props.title;
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(props.uid)) {
      fail(undefined, `dashboard ${JSON.stringify(props.title)} uid`, props.uid, 'must be 1-40 letters, digits, "-" or "_"');
    }
    if (!props.title || props.title.trim() === '') fail(undefined, `dashboard ${JSON.stringify(props.uid)} title`, props.title, 'must be non-empty');
    (props.variables ?? []).forEach((v, i) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name) || v.name === 'datasource') {
        fail(undefined, `dashboard ${JSON.stringify(props.uid)} variables[${i}].name`, v.name,
          'must be a identifier ([A-Za-z_][A-Za-z0-9_]*) other than "datasource"');
      }
      PromQuery.of(v.query)._validate(`dashboard ${JSON.stringify(props.uid)} variables[${i}]`);
    });
    (props.rows ?? []).forEach(r => this.addRow(r));
  }

  /** Adds a row below the existing ones. */
  public addRow(row: Row): Row {
    const index = this.rows.length;
    if (row.panels.length === 0) fail(undefined, `dashboard ${JSON.stringify(this.uid)} rows[${index}].panels`, [], 'must have at least one panel');
    row.panels.forEach((p, i) => p._validate(`dashboard ${JSON.stringify(this.uid)} rows[${index}].panels[${i}]`));
    this.rows.push(row);
    return row;
  }

  /** The names of the query variables (besides `datasource`). */
  public get variableNames(): string[] {
    return (this.props.variables ?? []).map(v => v.name);
  }

  /** Every PromQL expression of the dashboard: panel queries and variable queries. */
  public get expressions(): string[] {
    return [
      ...(this.props.variables ?? []).map(v => v.query),
      ...this.rows.flatMap(r => r.panels.flatMap(p => p.queries.map(q => q.expr))),
    ];
  }

  /** The dashboard as Grafana's JSON model. */
  public toJson(): any {
    const panels: any[] = [];
    let id = 1;
    let y = 0;
    for (const row of this.rows) {
      panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
      y += 1;
      let x = 0;
      let rowHeight = 0;
      for (const panel of row.panels) {
        const w = panel.options.width ?? 12;
        const h = panel.options.height ?? 8;
        if (x + w > 24) {
          x = 0;
          y += rowHeight;
          rowHeight = 0;
        }
        panels.push(panel._toJson(id++, x, y));
        x += w;
        rowHeight = Math.max(rowHeight, h);
      }
      y += rowHeight;
    }
    const datasourceRef = { type: 'prometheus', uid: '${datasource}' };
    return {
      uid: this.uid,
      title: this.title,
      tags: this.props.tags ?? ['istio'],
      editable: false,
      graphTooltip: 1,
      schemaVersion: 39,
      version: 1,
      refresh: `${(this.props.refresh ?? Duration.seconds(30)).toSeconds()}s`,
      time: { from: `now-${(this.props.timeRange ?? Duration.minutes(30)).toMinutes()}m`, to: 'now' },
      timezone: 'browser',
      templating: {
        list: [
          { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', hide: 0 },
          ...(this.props.variables ?? []).map(v => ({
            name: v.name,
            label: v.label ?? v.name,
            type: 'query',
            datasource: datasourceRef,
            query: { query: v.query, refId: `${v.name}-query` },
            definition: v.query,
            refresh: 2,
            sort: 1,
            includeAll: v.includeAll ?? false,
            allValue: v.includeAll ? '.*' : undefined,
            multi: false,
            hide: 0,
          })).map(dropUndefinedShallow),
        ],
      },
      annotations: { list: [] },
      panels,
    };
  }

  /** The dashboard as the JSON file Grafana provisions. */
  public toJsonString(): string {
    return JSON.stringify(this.toJson(), undefined, 2);
  }
}

function dropUndefinedShallow<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
