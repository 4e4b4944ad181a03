// Chart downloads: links marked data-format=png|svg save the current figure, with its title,
// base note and caption (drawn inside the figure), through Plotly's own image export.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-format]");
  if (!link) { return; }
  event.preventDefault();
  var plot = document.querySelector("#graph .js-plotly-plot");
  if (!plot || !window.Plotly) { return; }
  window.Plotly.downloadImage(plot, {
    format: link.getAttribute("data-format"), width: 1100, height: 650, scale: 2,
    filename: "barometer-chart"
  });
});
