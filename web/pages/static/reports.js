// The dashboard's charts (Chart.js from /vendor). Each <canvas data-chart='{...}'> holds its
// figures as JSON, written by the server: no inline code, as the Content-Security-Policy wants.
"use strict";
(function () {
  const PALETTE = ["#2456c7", "#d9772b", "#1e7a3c", "#8e44ad", "#b3261e", "#0f8b8d", "#5a6272", "#c59b08"];

  function draw(canvas, locale, currency) {
    if (canvas.dataset.ready || !window.Chart) return;
    canvas.dataset.ready = "1";
    const spec = JSON.parse(canvas.dataset.chart);
    const round = spec.type === "doughnut";
    const moneyFormat = new Intl.NumberFormat(locale, {
      style: "currency", currency: currency, maximumFractionDigits: 0,
    });
    const plainFormat = new Intl.NumberFormat(locale);
    const format = (value) => (spec.money ? moneyFormat : plainFormat).format(value);
    const datasets = spec.series.map((series, index) => ({
      label: series.label,
      data: series.data,
      backgroundColor: round
        ? series.data.map((_, slice) => PALETTE[slice % PALETTE.length])
        : PALETTE[index % PALETTE.length],
      borderWidth: round ? 2 : 0,
    }));
    const valueAxis = spec.horizontal ? "x" : "y";
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: spec.horizontal ? "y" : "x",
        plugins: {
          legend: { display: round || datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: (context) => {
                const value = round ? context.parsed : context.parsed[valueAxis];
                return `${context.dataset.label}: ${format(value)}`;
              },
            },
          },
        },
        scales: round ? {} : {
          // Whole steps: counts have no fractions, and money is shown without kopecks, so a
          // fractional step would print one label several times ("1 ₽", "1 ₽").
          [valueAxis]: {
            beginAtZero: true,
            ticks: { precision: 0, callback: (value) => format(value) },
          },
        },
      },
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-charts]").forEach((holder) => {
      holder.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
        draw(canvas, holder.dataset.locale, holder.dataset.currency);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
})();
