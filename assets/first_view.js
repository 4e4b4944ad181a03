/* The first view (the page as the server rendered it, see barometer/web/first_view.py) is on the
   screen before any of the app's scripts: they load once it has been painted (the server leaves
   their tags inert, with `data-src`, and this file as the page's one deferred script). React then
   renders the app into the mount point, hidden and out of the flow; once the app is laid out
   (its chart's slot keeps the chart's height before the chart's script has loaded), the app
   takes the first view's place, and the static chart stays over the slot until Plotly has
   drawn there. The numbers never leave their place. */
(function () {
    var first = document.getElementById("first-view");
    var mount = document.getElementById("react-entry-point");
    var inert = document.querySelectorAll("script[data-src]");

    function preload(paths) {
        // fetched beside the app's scripts rather than after the app has rendered: Dash asks for
        // the chart's library and the lazy parts of its components when they mount, and they
        // then come from the browser's cache
        var config = document.getElementById("_dash-config");
        var prefix = (config ? JSON.parse(config.textContent).requests_pathname_prefix : "/") || "/";
        paths.forEach(function (path) {
            var link = document.createElement("link");
            link.rel = "preload";
            link.as = "script";
            link.href = prefix + "_dash-component-suites/" + path;
            document.head.appendChild(link);
        });
    }

    function loadApp() {
        if (first && first.querySelector(".first-chart")) {
            preload(["plotly/package_data/plotly.min.js", "dash/dcc/async-graph.js"]);
        }
        if (first && first.querySelector(".static-dropdown")) {
            preload(["dash/dcc/async-dropdown.js"]);
        }
        var sources = Array.prototype.map.call(inert, function (tag) {
            return tag.getAttribute("data-src");
        });
        sources.forEach(function (src, i) {
            var script = document.createElement("script");
            script.src = src;
            script.async = false;  // run in the order given, as the tags would have
            if (i === sources.length - 1) {
                script.onload = function () { window.renderer = new window.DashRenderer(); };
            }
            document.head.appendChild(script);
        });
    }

    if (inert.length) {
        // once a frame with the first view in it has been painted (the frame after the first)
        window.requestAnimationFrame(function () {
            window.requestAnimationFrame(function () { window.setTimeout(loadApp, 0); });
        });
    }
    if (!first || !mount) { return; }
    mount.parentNode.insertBefore(first, mount);
    mount.classList.add("taking-over");
    var staticChart = first.querySelector(".first-chart .static-chart");
    if (staticChart && staticChart.getBoundingClientRect().height === 0) {
        staticChart = null;  // a chart the page does not show (a table-only view)
    }
    var cover = null;

    function appChart() { return mount.querySelector(".graph-slot"); }
    function drawn() { return mount.querySelector(".js-plotly-plot .main-svg") !== null; }

    function ready() {
        if (!mount.querySelector("main, .embed")) { return false; }
        var chart = appChart();
        return !staticChart || drawn() || (chart !== null && chart.offsetHeight > 0);
    }

    function coverAppChart() {
        // the static chart over the app's chart box, until Plotly has drawn in it
        var chart = appChart();
        if (!staticChart || drawn() || !chart) { return; }
        var box = chart.getBoundingClientRect();
        cover = document.createElement("div");
        cover.className = "first-chart-cover";
        cover.setAttribute("aria-hidden", "true");
        cover.style.left = (box.left + window.scrollX) + "px";
        cover.style.top = (box.top + window.scrollY) + "px";
        cover.style.width = box.width + "px";
        cover.style.height = box.height + "px";
        staticChart.setAttribute("height", box.height);
        cover.appendChild(staticChart);
        document.body.appendChild(cover);
    }

    function uncover() {
        if (cover && (drawn() || !document.body.contains(appChart()))) {
            cover.remove();
            cover = null;
        }
    }

    var handedOver = false;
    function handOver() {
        if (handedOver) { return; }
        handedOver = true;
        window.clearTimeout(timer);
        var scroll = window.scrollY;
        mount.classList.remove("taking-over");
        first.remove();
        window.scrollTo(0, scroll);
        coverAppChart();
        window.addEventListener("resize", function () { if (cover) { cover.remove(); cover = null; } });
    }

    var observer = new MutationObserver(function () {
        if (!handedOver && ready()) { handOver(); }
        if (handedOver) {
            uncover();
            if (!cover) { observer.disconnect(); }
        }
    });
    observer.observe(mount, {childList: true, subtree: true});
    var poll = window.setInterval(function () {  // a laid-out box changes no node: look, too
        if (!handedOver && ready()) { handOver(); }
        if (handedOver) { window.clearInterval(poll); }
    }, 50);
    var timer = window.setTimeout(handOver, 20000);  // never keep a static page for good
})();
