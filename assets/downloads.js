// Chart downloads: links marked data-format=png|svg save the figure of the graph named by
// data-graph (default #graph), with the export decorations the server put in layout.meta.export
// (the base note and source caption, which the page shows as text), under data-filename.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-format]");
  if (!link) { return; }
  event.preventDefault();
  var selector = "#" + (link.getAttribute("data-graph") || "graph") + " .js-plotly-plot";
  whenDrawn(selector, 150, function (plot) { download(plot, link); });
});

function whenDrawn(selector, tries, then) {
  // the chart's library may still be on its way (see first_view.js): wait for the chart
  var plot = document.querySelector(selector);
  if (plot && window.Plotly && window.Plotly.downloadImage) { then(plot); return; }
  if (tries > 0) {
    window.setTimeout(function () { whenDrawn(selector, tries - 1, then); }, 100);
  }
}

function download(plot, link) {
  var layout = Object.assign({}, plot.layout);
  var extra = (plot.layout.meta && plot.layout.meta.export) || {};
  Object.keys(extra).forEach(function (key) { layout[key] = extra[key]; });
  delete layout.height;
  window.Plotly.downloadImage({data: plot.data, layout: layout}, {
    format: link.getAttribute("data-format"), width: 1100, height: 700, scale: 2,
    filename: link.getAttribute("data-filename") || "barometer-chart"
  });
}
