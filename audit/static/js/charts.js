// Scorecard charts drawn by Chart.js (audit/static/vendor/chart.umd.min.js, installed from npm by
// `make install`) from the JSON specs that audit/scoring/charts.py writes into the page
// (templates/scoring/_chart.html). Every chart has a table of the same numbers beside it: the
// figures start hidden and are only shown once drawn, so without JavaScript or without Chart.js
// the page reads as before. No inline style: sizes come from Chart.js options and app.css.
"use strict";
(() => {
  const Chart = window.Chart;
  if (typeof Chart !== "function") {
    return; // the vendored file is missing: the tables say it all
  }
  const root = document.documentElement;

  function cssColour(name, fallback) {
    return getComputedStyle(root).getPropertyValue(name).trim() || fallback;
  }

  /** The page's language for numbers, with Latin digits like the server-formatted tables. */
  function pageLocale(spec) {
    const lang = root.lang || spec.locale || "en";
    try {
      return Intl.getCanonicalLocales(`${lang}-u-nu-latn`)[0];
    } catch (error) {
      return "en";
    }
  }

  /** A label in lines of about `width` characters (at most `lines`), broken between words. */
  function wrap(label, width, lines) {
    const out = [];
    let line = "";
    for (const word of String(label).split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (next.length <= width || !line) {
        line = next;
      } else {
        out.push(line);
        line = word;
      }
    }
    if (line) {
      out.push(line);
    }
    if (out.length > lines) {
      out.length = lines;
      out[lines - 1] += " …";
    }
    return out.length > 1 ? out : out[0] || "";
  }

  /** Narrow charts (a phone) wrap their labels shorter and write them smaller. */
  const NARROW = 420; // px of the chart's own width

  function narrow(chart) {
    return Boolean(chart && chart.width && chart.width < NARROW);
  }

  /** A label wrapped for the chart's width as it is now drawn: Chart.js calls tick and point
   * label callbacks again on every resize, so a phone turned sideways gets the longer lines. */
  function fitted(chart, label, wide, tight) {
    return narrow(chart) ? wrap(label, ...tight) : wrap(label, ...wide);
  }

  function labelFont(context) {
    return { size: narrow(context.chart) ? 11 : 12 };
  }

  /** The spec's series in drawing order: a right-to-left radar runs anticlockwise, so its
   * first axis stays at the top and the others follow in the mirrored order. */
  function series(spec) {
    const count = spec.labels.length;
    let order = [...Array(count).keys()];
    if (spec.kind === "radar" && spec.rtl && count > 2) {
      order = [0, ...order.slice(1).reverse()];
    }
    const pick = (list) => order.map((index) => list[index]);
    return {
      labels: pick(spec.labels),
      values: pick(spec.values),
      bands: pick(spec.bands),
      names: pick(spec.band_names),
    };
  }

  function fill(spec, band) {
    return spec.colours[band] || spec.colours.none;
  }

  /** Ticks and grid lines at the scale's ends and the band thresholds only (0, 40, 60, 80, 100). */
  function thresholdTicks(spec) {
    const values = [spec.min, ...spec.thresholds, spec.max];
    return (scale) => {
      scale.ticks = values.map((value) => ({ value }));
    };
  }

  function valueScale(spec, format, colours) {
    // The axis line and the 0 and 100 lines are solid; the band thresholds are dashed.
    const edge = (context) =>
      !context.tick || context.tick.value === spec.min || context.tick.value === spec.max;
    return {
      min: spec.min,
      max: spec.max,
      afterBuildTicks: thresholdTicks(spec),
      ticks: { color: colours.muted, callback: (value) => format.format(value) },
      grid: { color: (context) => (edge(context) ? colours.muted : colours.grid), lineWidth: 1 },
      border: { dash: (context) => (edge(context) ? [] : [4, 4]), color: colours.muted },
    };
  }

  function legend(spec, colours) {
    return {
      display: true,
      position: "bottom",
      rtl: spec.rtl,
      textDirection: spec.rtl ? "rtl" : "ltr",
      onClick: () => {}, // the bands are a key, not series to hide
      labels: {
        color: colours.ink,
        boxWidth: 14,
        generateLabels: () =>
          spec.legend.map((item) => ({
            text: item.name,
            fillStyle: item.colour,
            strokeStyle: spec.borders[item.band] || item.colour,
            fontColor: colours.ink,
            lineWidth: 1,
            hidden: false,
          })),
      },
    };
  }

  function tooltip(spec, data, format) {
    return {
      rtl: spec.rtl,
      textDirection: spec.rtl ? "rtl" : "ltr",
      callbacks: {
        title: (items) => (items.length ? data.labels[items[0].dataIndex] : ""),
        label: (item) => {
          const value = data.values[item.dataIndex];
          if (value === null || value === undefined) {
            return spec.no_score;
          }
          const band = data.bands[item.dataIndex];
          return band ? `${format.format(value)} (${data.names[item.dataIndex]})` : format.format(value);
        },
      },
    };
  }

  /** Writes each bar's score after its end ("no score" at the start when there is none). */
  function barValues(spec, data, format, colours) {
    return {
      id: "wpsBarValues",
      afterDatasetsDraw(chart) {
        const { ctx, scales } = chart;
        ctx.save();
        ctx.font = `600 12px ${Chart.defaults.font.family}`;
        ctx.fillStyle = colours.ink;
        ctx.textBaseline = "middle";
        ctx.textAlign = spec.rtl ? "right" : "left";
        data.values.forEach((value, index) => {
          const missing = value === null || value === undefined;
          const x = scales.x.getPixelForValue(missing ? spec.min : value) + (spec.rtl ? -6 : 6);
          const y = scales.y.getPixelForValue(index);
          ctx.fillText(missing ? spec.no_score : format.format(value), x, y);
        });
        ctx.restore();
      },
    };
  }

  function options(spec, data, format, colours) {
    const reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return {
      locale: format.resolvedOptions().locale,
      responsive: true,
      maintainAspectRatio: true,
      animation: reduced ? false : { duration: 400 },
      plugins: {
        title: { display: false },
        legend: legend(spec, colours),
        tooltip: tooltip(spec, data, format),
      },
    };
  }

  function barChart(canvas, spec, data, format, colours) {
    const base = options(spec, data, format, colours);
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: spec.title,
            data: data.values,
            backgroundColor: data.bands.map((band) => fill(spec, band)),
            borderColor: data.bands.map((band) => spec.borders[band] || fill(spec, band)),
            borderWidth: 1.5,
            barPercentage: 0.9,
            categoryPercentage: 0.8,
          },
        ],
      },
      options: {
        ...base,
        indexAxis: "y",
        // The box's height comes from app.css (.chart-rows-N: a row per domain), so a narrow
        // page gives the bars less length, never less thickness.
        maintainAspectRatio: false,
        layout: { padding: spec.rtl ? { left: 44 } : { right: 44 } },
        scales: {
          // Right to left: the bars grow from the right, the domain names stand on the right.
          x: { ...valueScale(spec, format, colours), reverse: spec.rtl },
          y: {
            position: spec.rtl ? "right" : "left",
            grid: { display: false },
            // Every domain is named, in lines that fit beside the bars.
            ticks: {
              color: colours.ink,
              autoSkip: false,
              font: labelFont,
              callback(value) {
                return fitted(this.chart, data.labels[value], [26, 2], [13, 3]);
              },
            },
          },
        },
      },
      plugins: [barValues(spec, data, format, colours)],
    });
  }

  function radarChart(canvas, spec, data, format, colours) {
    const scale = valueScale(spec, format, colours);
    return new Chart(canvas, {
      type: "radar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: spec.title,
            data: data.values,
            spanGaps: true,
            borderColor: spec.colours.series,
            backgroundColor: "rgba(31, 78, 121, 0.2)",
            borderWidth: 2,
            pointRadius: 5,
            pointHoverRadius: 7,
            pointBackgroundColor: data.bands.map((band) => fill(spec, band)),
            pointBorderColor: "#ffffff",
            pointBorderWidth: 1.5,
          },
        ],
      },
      options: {
        ...options(spec, data, format, colours),
        aspectRatio: 1,
        scales: {
          r: {
            min: spec.min,
            max: spec.max,
            afterBuildTicks: scale.afterBuildTicks,
            ticks: { ...scale.ticks, backdropColor: "rgba(255, 255, 255, 0.85)", z: 1 },
            grid: scale.grid,
            border: scale.border,
            angleLines: { color: colours.grid },
            pointLabels: {
              color: colours.ink,
              font: labelFont,
              callback(label, index) {
                return fitted(this.chart, data.labels[index], [18, 3], [11, 4]);
              },
            },
          },
        },
      },
    });
  }

  function lineChart(canvas, spec, data, format, colours) {
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: spec.title,
            data: data.values,
            spanGaps: false, // a withheld figure is a gap, not a guess
            borderColor: spec.colours.series,
            backgroundColor: spec.colours.series,
            borderWidth: 2,
            pointRadius: 6,
            pointHoverRadius: 8,
            pointBackgroundColor: data.bands.map((band) => fill(spec, band)),
            pointBorderColor: data.bands.map((band) => spec.borders[band] || "#ffffff"),
            pointBorderWidth: 1.5,
          },
        ],
      },
      options: {
        ...options(spec, data, format, colours),
        aspectRatio: 2,
        scales: {
          // Right to left: the first cycle is on the right and the scores stand on the right.
          x: {
            reverse: spec.rtl,
            offset: true,
            grid: { display: false },
            ticks: {
              color: colours.ink,
              font: labelFont,
              callback(value) {
                return fitted(this.chart, data.labels[value], [16, 2], [10, 3]);
              },
            },
          },
          y: { ...valueScale(spec, format, colours), position: spec.rtl ? "right" : "left" },
        },
      },
    });
  }

  const DRAW = { bar: barChart, radar: radarChart, line: lineChart };

  /** The chart of a canvas, ready to draw: its figure and spec (null without a usable spec). */
  function prepare(canvas) {
    const block = document.getElementById(canvas.dataset.chart || "");
    const figure = canvas.closest("[data-chart-figure]");
    if (!block || !figure) {
      return null;
    }
    try {
      const spec = JSON.parse(block.textContent);
      return DRAW[spec.kind] ? { canvas, figure, spec } : null;
    } catch (error) {
      return null; // no chart; the table stays
    }
  }

  function draw({ canvas, figure, spec }, colours) {
    const format = new Intl.NumberFormat(pageLocale(spec), { maximumFractionDigits: 1 });
    try {
      DRAW[spec.kind](canvas, spec, series(spec), format, colours);
      canvas.dataset.chartReady = "true";
    } catch (error) {
      figure.hidden = true;
      console.warn("Chart not drawn:", spec.id, error);
    }
  }

  function drawAll() {
    const colours = {
      ink: cssColour("--ink", "#1b1f24"),
      muted: cssColour("--muted", "#4a5560"),
      grid: cssColour("--line", "#c9d1d9"),
    };
    Chart.defaults.color = colours.ink;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily || Chart.defaults.font.family;
    Chart.defaults.font.size = 12;
    const charts = [...document.querySelectorAll("canvas[data-chart]")].map(prepare).filter(Boolean);
    // Every figure is shown before any is drawn: figures side by side share the row, and Chart.js
    // measures the width each one really gets.
    for (const chart of charts) {
      chart.figure.hidden = false;
    }
    for (const chart of charts) {
      draw(chart, colours);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
