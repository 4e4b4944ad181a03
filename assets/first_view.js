/* The first view (the page as the server rendered it, see barometer/web/first_view.py) is on the
   screen before any of the app's scripts, and before Bootstrap (its own rules are in the page's
   head; Bootstrap is linked once it is painted). The server leaves the scripts' tags inert
   (`data-src`), with this file as the page's one deferred script: it asks for them at once,
   with the renderer's first requests, but runs them, and moves or measures anything, only once
   a frame with the first view has been painted. React renders the app into the mount point,
   hidden and out of the flow; once the app is laid out (its chart's slot keeps the chart's
   height), the app takes the first view's place, and the static chart stays over the slot until
   Plotly has drawn there. Plotly itself waits for a quiet moment, the pointer on the chart, or
   the app's first answer: the controls answer first. The numbers never leave their place. */
(function () {
    var first = document.getElementById("first-view");
    var mount = document.getElementById("react-entry-point");
    var inert = document.querySelectorAll("script[data-src]");
    var CHART_LIBRARY = "plotly/package_data/plotly.min.js";
    // the first view's own Bootstrap rules, in the head; Bootstrap itself is linked after them
    // once the first view is on the screen (the app's rules, written in after it, still come
    // last), and the app takes over once it has loaded
    var bootstrapSubset = document.getElementById("first-view-bootstrap");
    var bootstrapLoaded = !bootstrapSubset;

    function linkBootstrap() {
        var link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = bootstrapSubset.getAttribute("data-href");
        link.onload = link.onerror = function () { bootstrapLoaded = true; };
        bootstrapSubset.parentNode.insertBefore(link, bootstrapSubset.nextSibling);
    }

    var config = document.getElementById("_dash-config");
    var prefix = (config ? JSON.parse(config.textContent).requests_pathname_prefix : "/") || "/";

    function suite(path) { return prefix + "_dash-component-suites/" + path; }

    function preload(addresses) {
        addresses.forEach(function (address) {
            var link = document.createElement("link");
            link.rel = "preload";
            link.as = "script";
            link.href = address;
            document.head.appendChild(link);
        });
    }

    function askForTheApp() {
        // at once, while the browser draws the first view: the app's scripts, the renderer's
        // first requests, and what the first render asks for when it mounts (the lazy parts of
        // the components); they run later, from the browser's cache
        askEarly(["_dash-layout", "_dash-dependencies"]);
        var wanted = Array.prototype.map.call(inert, function (tag) {
            return tag.getAttribute("data-src");
        });
        if (first && first.querySelector(".first-chart")) {
            // the chart's library itself waits (see deferChartLibrary): asked for at the
            // hand-over, it would only slow the scripts the app needs first
            wanted.push(suite("dash/dcc/async-graph.js"));
        }
        if (first && first.querySelector(".static-dropdown")) {
            wanted.push(suite("dash/dcc/async-dropdown.js"));
        }
        preload(wanted);
    }

    function askEarly(names) {
        // the renderer's first requests (the layout for this address, the callbacks), asked
        // beside its scripts: its own fetch of each gets the answer already on its way
        var early = {};
        names.forEach(function (name) {
            early[prefix + name] = window.fetch(prefix + name, {
                credentials: "same-origin", headers: {Accept: "application/json"}});
        });
        var fetch = window.fetch;
        window.fetch = function (url, options) {
            var answer = early[url];
            if (answer && (!options || !options.method || options.method === "GET")) {
                delete early[url];
                return answer.catch(function () { return fetch(url, options); });
            }
            if (String(url).indexOf("_dash-update-component") !== -1) {
                return changing(fetch.apply(this, arguments));
            }
            return fetch.apply(this, arguments);
        };
    }

    var loadChartLibrary = null;

    function deferChartLibrary() {
        // Dash's chart takes `window.Plotly` when it mounts (and loads the library when it is
        // missing): here it is a promise, kept once the library has run. The library (about half
        // a second of this machine's main thread, to run and to draw) loads when the page has
        // been quiet for a moment, when the visitor points at the chart, or once the app has
        // answered a change: the static chart stands in until then, and the controls answer
        // first. (`loadChartLibrary` starts it; twice is once.)
        var settle = {};
        var loaded = new Promise(function (resolve, reject) {
            settle.resolve = resolve;
            settle.reject = reject;
        });
        window.Plotly = {then: function (onLoaded, onFailed) {
            return loaded.then(onLoaded, onFailed);
        }};
        loadChartLibrary = function () {
            if (!settle.resolve) { return; }
            var resolve = settle.resolve;
            settle.resolve = null;
            var script = document.createElement("script");
            script.src = suite(CHART_LIBRARY);
            script.onload = function () { resolve(); };  // window.Plotly is the library now
            script.onerror = function () {
                window.Plotly = undefined;
                settle.reject(new Error("the chart library did not load"));
            };
            document.head.appendChild(script);
        };
    }

    function loadApp() {
        if (staticChart && !window.Plotly) { deferChartLibrary(); }
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

    var staticChart = null;
    var cover = null;

    function start() {
        // once a frame with the first view in it has been drawn: nothing here makes the
        // browser lay the page out before its first number is on the screen
        staticChart = first && first.querySelector(".first-chart .static-chart");
        if (staticChart && staticChart.getBoundingClientRect().height === 0) {
            staticChart = null;  // a chart the page does not show (a table-only view)
        }
        if (bootstrapSubset) { linkBootstrap(); }
        if (first && mount) { takeOverWhenReady(); }
        if (inert.length) { loadApp(); }
    }

    if (inert.length) { askForTheApp(); }
    window.requestAnimationFrame(function () { window.setTimeout(start, 0); });

    function appChart() { return mount.querySelector(".graph-slot"); }
    function drawn() { return mount.querySelector(".js-plotly-plot .main-svg") !== null; }

    function ready() {
        if (!bootstrapLoaded || !mount.querySelector("main, .embed")) { return false; }
        var chart = appChart();
        return !staticChart || drawn() || (chart !== null && chart.offsetHeight > 0);
    }

    function changing(answer) {
        // the app is asked for a new result: the static chart no longer shows it, and the
        // chart's library loads once the answer is on the screen and the page is quiet again
        if (cover) { cover.remove(); cover = null; }
        if (loadChartLibrary) {
            window.clearTimeout(quiet);
            var then = function () { loadWhenQuiet(AFTER_ANSWER_MS); };
            answer.then(then, then);
        }
        return answer;
    }

    var quiet = null;
    var QUIET_MS = 1000;  // after the hand-over or the visitor's last key or click
    var AFTER_ANSWER_MS = 250;  // after an answer: long enough to paint it, and for the next click
    function loadWhenQuiet(wait) {
        window.clearTimeout(quiet);
        if (loadChartLibrary) { quiet = window.setTimeout(loadChartLibrary, wait || QUIET_MS); }
    }

    function coverAppChart() {
        // the static chart over the app's chart box, until Plotly has drawn in it
        var chart = appChart();
        if (!staticChart || drawn() || !chart) { return; }
        var box = chart.getBoundingClientRect();
        cover = document.createElement("div");
        cover.className = "first-chart-cover";
        cover.setAttribute("aria-hidden", "true");
        cover.style.width = box.width + "px";
        cover.style.height = box.height + "px";
        staticChart.setAttribute("height", box.height);
        cover.appendChild(staticChart);
        document.body.appendChild(cover);
        followAppChart();
    }

    function followAppChart() {
        // the chart's box moves when something above it opens (the controls, on a phone): the
        // cover moves with it, a frame at a time, as long as it is there
        if (!cover) { return; }
        var chart = appChart();
        if (chart) {
            var box = chart.getBoundingClientRect();
            var left = (box.left + window.scrollX) + "px";
            var top = (box.top + window.scrollY) + "px";
            if (cover.style.left !== left) { cover.style.left = left; }
            if (cover.style.top !== top) { cover.style.top = top; }
        }
        window.requestAnimationFrame(followAppChart);
    }

    function uncover() {
        if (cover && (drawn() || !document.body.contains(appChart()))) {
            cover.remove();
            cover = null;
        }
    }

    var handedOver = false;
    var timer = null;
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
        if (loadChartLibrary) {
            preload([suite(CHART_LIBRARY)]);
            loadWhenQuiet();
            ["pointerdown", "keydown", "touchstart", "wheel"].forEach(function (kind) {
                window.addEventListener(kind, function (event) {
                    var wanted = event.target.closest && event.target.closest(
                        ".graph-slot, a[data-format]");
                    if (wanted) { loadChartLibrary(); } else { loadWhenQuiet(); }
                }, {capture: true, passive: true});
            });
            var chart = appChart();  // under the static chart, which lets the pointer through
            if (chart) { chart.addEventListener("pointerover", loadChartLibrary); }
        }
    }

    function takeOverWhenReady() {
        mount.parentNode.insertBefore(first, mount);
        mount.classList.add("taking-over");
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
        timer = window.setTimeout(handOver, 20000);  // never keep a static page for good
    }
})();
